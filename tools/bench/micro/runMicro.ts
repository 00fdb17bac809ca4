import { round, summarize } from '../stats';
import type { BenchGovernance } from '../benchGovernance';
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
 * The store cases write to files in `storeDir`.
 */
export async function runMicro(governance: BenchGovernance, storeDir: string, plan: IterationPlan, progress: (line: string) => void): Promise<MicroReport> {
  const suite = await buildMicroSuite(governance, storeDir);
  try {
    return await timeSuite(suite, plan, progress);
  } finally {
    suite.close();
  }
}

async function timeSuite(suite: MicroSuite, plan: IterationPlan, progress: (line: string) => void): Promise<MicroReport> {
  const passes = Math.min(PASSES, plan.iterations);
  const samples = suite.cases.map(() => ({ wall: [] as number[], cpuMicros: 0 }));
  // The full warm-up once per operation (Cedar's WebAssembly needs a few thousand calls to
  // reach its optimizing tier), then a short one before each pass.
  for (const micro of suite.cases) await timeIterations(micro.run, { iterations: 0, warmupIterations: plan.warmupIterations });
  for (let pass = 0; pass < passes; pass += 1) {
    // Spread the iterations over the passes; the first passes take the remainder.
    const iterations = Math.floor(plan.iterations / passes) + (pass < plan.iterations % passes ? 1 : 0);
    const warmupIterations = Math.ceil(plan.warmupIterations / passes / 10);
    for (const [index, micro] of suite.cases.entries()) {
      const timed = await timeIterations(micro.run, { iterations, warmupIterations });
      samples[index]!.wall.push(...timed.sample);
      samples[index]!.cpuMicros += timed.cpuMicros;
    }
    progress(`micro: pass ${pass + 1}/${passes} done`);
  }
  const results = suite.cases.map((micro, index): MicroResult => {
    const { wall, cpuMicros } = samples[index]!;
    const summary = summarize(wall);
    return {
      name: micro.name,
      description: micro.description,
      iterations: summary.count,
      p50Us: round(summary.p50),
      p99Us: round(summary.p99),
      meanUs: round(summary.mean),
      cpuUs: round(cpuMicros / summary.count),
    };
  });
  for (const result of results) progress(`micro ${result.name}: p50 ${result.p50Us} µs, p99 ${result.p99Us} µs, CPU ${result.cpuUs} µs`);
  return { iterations: plan.iterations, warmupIterations: plan.warmupIterations, passes, argumentBytes: suite.argumentBytes, results };
}
