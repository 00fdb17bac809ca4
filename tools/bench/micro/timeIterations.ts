/** One in-process micro-benchmark: a named operation timed one call at a time. */
export interface MicroCase {
  /** Stable name, as it appears in the JSON (`validate+decide`, `mint`, ...). */
  readonly name: string;
  /** What one iteration does, in words, for the table. */
  readonly description: string;
  /** One iteration; its result is kept alive so the work cannot be optimised away. */
  readonly run: () => unknown;
  /** Whether the work is done by the PostgreSQL server: its processes' CPU time is reported beside this process's. */
  readonly onPostgres?: boolean;
  /** At most this many timed (and this many warm-up) iterations: for cases that write to disk on each. */
  readonly maxIterations?: number;
}

/** How many iterations to time, after how many untimed ones. */
export interface IterationPlan {
  readonly iterations: number;
  readonly warmupIterations: number;
}

/** What one timed pass observed. */
export interface TimedPass {
  /** Wall-clock time of each iteration, in microseconds. */
  readonly sample: number[];
  /** CPU time of the whole pass (all threads of this process), in microseconds. */
  readonly cpuMicros: number;
}

let sink: unknown;

/**
 * Times each call of `run` separately with the monotonic high-resolution clock, and the
 * pass as a whole on the process CPU clock. Promises are awaited inside the timed span,
 * so an async operation is charged for everything until it settles. The untimed warm-up
 * lets V8 optimise the path (and fills any caches a worker would have filled) first.
 * Wall time is what a caller waits; CPU time is what the operation costs, and moves much
 * less when other processes compete for the machine.
 */
export async function timeIterations(run: MicroCase['run'], plan: IterationPlan): Promise<TimedPass> {
  for (let i = 0; i < plan.warmupIterations; i += 1) sink = await run();
  const sample = new Array<number>(plan.iterations);
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < plan.iterations; i += 1) {
    const started = process.hrtime.bigint();
    sink = await run();
    sample[i] = Number(process.hrtime.bigint() - started) / 1000;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { sample, cpuMicros: cpu.user + cpu.system };
}

/** The last result, so no iteration is dead code. */
export function lastResult(): unknown {
  return sink;
}
