import { round, summarize } from '../stats';
import type { BenchGovernance } from '../benchGovernance';
import type { BenchPostgres } from '../benchPostgres';
import { readCpu } from '../e2e/cpuClock';
import { buildMicroSuite, type MicroSuite } from './microCases';
import { timeIterations, type IterationPlan } from './timeIterations';

/** One micro-benchmark's figures, in microseconds. */
export interface MicroResult {
  readonly name: string;
  readonly description: string;
  readonly iterations: number;
  /** Wall-clock percentiles and mean per iteration. */
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
  /** Process CPU time per iteration (mean): the cost, whatever else the machine runs. */
  readonly cpuUs: number;
  /** For an operation done by the PostgreSQL server: its processes' CPU time per iteration (mean), besides `cpuUs`. */
  readonly postgresCpuUs?: number;
}

/** The micro-benchmark section of the report. */
export interface MicroReport {
  readonly iterations: number;
  readonly warmupIterations: number;
  /** The iterations run in this many interleaved passes over all operations. */
  readonly passes: number;
  readonly argumentBytes: { readonly small: number; readonly large: number };
  readonly results: readonly MicroResult[];
}

/** Passes over the whole suite: a burst of outside load then touches every operation a little, not one a lot. */
const PASSES = 5;

/**
 * Runs every micro-benchmark in this process: each warmed up, then timed in PASSES
 * interleaved passes (each after a short warm-up of its own), and reports nearest-rank
 * p50 / p99 and the mean of the pooled wall-clock sample, with the CPU time per iteration.
 * The store cases write to files in `storeDir`; given `postgres`, the governance store's
 * cases run on its stores too.
 */
export async function runMicro(
  governance: BenchGovernance,
  storeDir: string,
  plan: IterationPlan,
  progress: (line: string) => void,
  postgres?: BenchPostgres,
): Promise<MicroReport> {
  const suite = await buildMicroSuite(governance, storeDir, postgres);
  try {
    return await timeSuite(suite, plan, progress, postgres?.pid());
  } finally {
    await suite.close();
  }
}

/** The plan, capped by the case's own `maxIterations`. */
function planOf(micro: MicroSuite['cases'][number], plan: IterationPlan): IterationPlan {
  const cap = micro.maxIterations ?? Number.POSITIVE_INFINITY;
  return { iterations: Math.min(plan.iterations, cap), warmupIterations: Math.min(plan.warmupIterations, cap) };
}

async function timeSuite(suite: MicroSuite, plan: IterationPlan, progress: (line: string) => void, postgresPid: number | undefined): Promise<MicroReport> {
  const passes = Math.min(PASSES, plan.iterations);
  const samples = suite.cases.map(() => ({ wall: [] as number[], cpuMicros: 0, postgresMs: 0 as number | null }));
  // The PostgreSQL server's CPU clock, read around each pass of the cases it serves (10 ms ticks: a pass is read whole).
  const postgresMs = (): number | null => readCpu({ postgres: postgresPid }).postgresMs;
  // The full warm-up once per operation (Cedar's WebAssembly needs a few thousand calls to
  // reach its optimizing tier), then a short one before each pass.
  for (const micro of suite.cases) await timeIterations(micro.run, { iterations: 0, warmupIterations: planOf(micro, plan).warmupIterations });
  for (let pass = 0; pass < passes; pass += 1) {
    for (const [index, micro] of suite.cases.entries()) {
      const sample = samples[index]!;
      const serverBefore = micro.onPostgres === true ? postgresMs() : null;
      const own = planOf(micro, plan);
      // Spread the iterations over the passes; the first passes take the remainder.
      const iterations = Math.floor(own.iterations / passes) + (pass < own.iterations % passes ? 1 : 0);
      const warmupIterations = Math.ceil(own.warmupIterations / passes / 10);
      const timed = await timeIterations(micro.run, { iterations, warmupIterations });
      const serverAfter = micro.onPostgres === true ? postgresMs() : null;
      sample.wall.push(...timed.sample);
      sample.cpuMicros += timed.cpuMicros;
      sample.postgresMs = sample.postgresMs === null || serverBefore === null || serverAfter === null ? null : sample.postgresMs + serverAfter - serverBefore;
    }
    progress(`micro: pass ${pass + 1}/${passes} done`);
  }
  const results = suite.cases.map((micro, index): MicroResult => {
    const { wall, cpuMicros, postgresMs: serverMs } = samples[index]!;
    const summary = summarize(wall);
    const postgresCpu = micro.onPostgres === true && serverMs !== null ? { postgresCpuUs: round((serverMs * 1000) / summary.count) } : {};
    return {
      name: micro.name,
      description: micro.description,
      iterations: summary.count,
      p50Us: round(summary.p50),
      p99Us: round(summary.p99),
      meanUs: round(summary.mean),
      cpuUs: round(cpuMicros / summary.count),
      ...postgresCpu,
    };
  });
  for (const result of results) {
    const server = result.postgresCpuUs === undefined ? '' : `, PostgreSQL CPU ${result.postgresCpuUs} µs`;
    progress(`micro ${result.name}: p50 ${result.p50Us} µs, p99 ${result.p99Us} µs, CPU ${result.cpuUs} µs${server}`);
  }
  return { iterations: plan.iterations, warmupIterations: plan.warmupIterations, passes, argumentBytes: suite.argumentBytes, results };
}
