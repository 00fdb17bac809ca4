import { z } from 'zod';
import { WritError } from '../../core/errors/writError';

/**
 * Defaults sized to finish in a couple of minutes on a 2-core machine, dev server and
 * all: enough steps per variant for stable throughput and a meaningful p99.
 */
export const BENCH_DEFAULTS = {
  workflows: 16,
  steps: 16,
  rounds: 2,
  iterations: 2500,
  warmupIterations: 2000,
  auditSteps: 1000,
  consolePending: 200,
  consoleRequests: 40,
} as const;

const count = (max: number) => z.number().int().min(1).max(max);

/** The benchmark's options, checked when given: a typo fails before the server starts. */
export const BenchOptionsSchema = z
  .strictObject({
    json: z.boolean().default(false),
    workflows: count(10_000).default(BENCH_DEFAULTS.workflows),
    steps: count(10_000).default(BENCH_DEFAULTS.steps),
    /** Unmeasured workflows run first by each variant's worker; a quarter of N by default. */
    warmupWorkflows: z.number().int().min(0).max(10_000).optional(),
    rounds: count(100).default(BENCH_DEFAULTS.rounds),
    /** Governed steps the audited history holds; the shortfall after the end-to-end rounds is run, unmeasured. 0 skips the audit. */
    auditSteps: z.number().int().min(0).max(1_000_000).default(BENCH_DEFAULTS.auditSteps),
    iterations: count(10_000_000).default(BENCH_DEFAULTS.iterations),
    warmupIterations: z.number().int().min(0).max(10_000_000).default(BENCH_DEFAULTS.warmupIterations),
    /** One section alone; `audit` records only the governed history it verifies (no PostgreSQL). */
    only: z.enum(['micro', 'e2e', 'mcp', 'console', 'audit']).optional(),
    /** Runs waiting for approval while the console's pending list is timed. */
    consolePending: count(10_000).default(BENCH_DEFAULTS.consolePending),
    /** Timed requests per console path. */
    consoleRequests: count(100_000).default(BENCH_DEFAULTS.consoleRequests),
    /**
     * Measure the PostgreSQL store beside the SQLite one (on a throw-away cluster the bench
     * starts). On by default, and then the bench fails, saying so, where PostgreSQL is not
     * installed: `--no-postgres` is how a run leaves those figures out, never by accident.
     */
    postgres: z.boolean().default(true),
    keepData: z.boolean().default(false),
    dataDir: z.string().min(1).optional(),
    temporalCli: z.string().min(1).optional(),
    /** The dev server's eager activity dispatch (`on` / `off`; default: the embedded server's, DEFAULT_EAGER_ACTIVITIES). */
    eagerActivities: z.enum(['on', 'off']).optional(),
  })
  .transform((options) => ({ ...options, warmupWorkflows: options.warmupWorkflows ?? Math.ceil(options.workflows / 4) }));

/** The benchmark's options as given (defaults may be left out). */
export type BenchOptionsInput = z.input<typeof BenchOptionsSchema>;
/** The benchmark's options with defaults applied. */
export type BenchOptions = z.output<typeof BenchOptionsSchema>;

/** Validates options; every problem is listed in one CONFIG_INVALID. */
export function parseBenchOptions(input: BenchOptionsInput): BenchOptions {
  const parsed = BenchOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(options)', message: issue.message }));
  throw new WritError('CONFIG_INVALID', `invalid bench options: ${issues.map((i) => `--${kebab(i.path)}: ${i.message}`).join('; ')}`, { issues });
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
