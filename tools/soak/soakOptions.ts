import { z } from 'zod';
import { WritError } from '../../core/errors/writError';

/** Defaults: a few hundred workflows, a fair share of denials and tampering, one worker killed. */
export const SOAK_DEFAULTS = {
  workflows: 300,
  concurrency: 32,
  denyFraction: 0.1,
  tamperFraction: 0.1,
  seed: 1,
  workers: 2,
  store: 'sqlite',
} as const;

const fraction = z.number().min(0).max(1);

/** The soak's options, checked when given: a typo fails before the server starts. */
export const SoakOptionsSchema = z
  .strictObject({
    json: z.boolean().default(false),
    workflows: z.number().int().min(1).max(100_000).default(SOAK_DEFAULTS.workflows),
    concurrency: z.number().int().min(1).max(1_000).default(SOAK_DEFAULTS.concurrency),
    denyFraction: fraction.default(SOAK_DEFAULTS.denyFraction),
    tamperFraction: fraction.default(SOAK_DEFAULTS.tamperFraction),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(SOAK_DEFAULTS.seed),
    /** Worker processes on the task queue; the first is SIGKILLed and restarted mid-run. */
    workers: z.number().int().min(2).max(16).default(SOAK_DEFAULTS.workers),
    /**
     * The governance store the workers share: the SQLite file of one host (the default),
     * or PostgreSQL, a throw-away server the soak starts and points every worker at.
     */
    store: z.enum(['sqlite', 'postgres']).default(SOAK_DEFAULTS.store),
    /** How long one workflow may take before it counts as lost. */
    workflowTimeoutSeconds: z.number().int().min(10).max(3_600).default(180),
    keepData: z.boolean().default(false),
    dataDir: z.string().min(1).optional(),
    temporalCli: z.string().min(1).optional(),
  })
  .refine((options) => options.denyFraction + options.tamperFraction <= 1, { message: 'deny and tamper fractions add up to more than 1', path: ['denyFraction'] });

/** The soak's options as given (defaults may be left out). */
export type SoakOptionsInput = z.input<typeof SoakOptionsSchema>;
/** The soak's options with defaults applied. */
export type SoakOptions = z.output<typeof SoakOptionsSchema>;

/** Validates options; every problem is listed in one CONFIG_INVALID. */
export function parseSoakOptions(input: SoakOptionsInput): SoakOptions {
  const parsed = SoakOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(options)', message: issue.message }));
  throw new WritError('CONFIG_INVALID', `invalid soak options: ${issues.map((i) => `--${i.path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`).join('; ')}`, { issues });
}
