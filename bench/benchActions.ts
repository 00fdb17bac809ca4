import { z } from 'zod';
import { defineAction } from '../actions/defineAction';
import type { ActionContext } from '../actions/types';

/** The benchmark's action name: the activity type in all three variants and the Cedar action id. */
export const BENCH_ACTION = 'benchRecord';

/** The two-activity variant's stand-in for authorization: a recorded activity that decides nothing. */
export const BENCH_PREFLIGHT = 'benchPreflight';

/** The principal and group the governed variant runs as (the bench policy permits the group). */
export const BENCH_PRINCIPAL = { principal: 'bench-runner', groups: ['bench'] } as const;

/** The input of one benchmark step. */
export interface BenchRecordInput {
  readonly sequence: number;
  readonly amountCents: number;
  readonly note: string;
}

/** What one benchmark step returns. */
export interface BenchRecordResult {
  readonly sequence: number;
  readonly recorded: true;
}

/**
 * The benchmark's governed action set: one action whose body does trivial work, so the
 * end-to-end variants differ only in governance. Its resource view has attributes and
 * context for the policies to read, as a real action's would.
 */
export function createBenchActions() {
  return {
    [BENCH_ACTION]: defineAction({
      input: z.strictObject({
        sequence: z.number().int().nonnegative(),
        amountCents: z.number().int().positive(),
        note: z.string().max(256),
      }),
      resource: (input) => ({
        resource: { uid: { type: 'Writ::BenchLedger', id: 'bench-ledger' }, attrs: { owner: 'bench', frozen: false }, parents: [] },
        context: { amountCents: input.amountCents, sequence: input.sequence },
      }),
      execute: async (input): Promise<BenchRecordResult> => ({ sequence: input.sequence, recorded: true }),
      description: 'benchmark no-op: returns its sequence number',
    }),
  };
}

/** The type the benchmark's governed workflow uses with `proxyGoverned`. */
export type BenchActions = ReturnType<typeof createBenchActions>;

// The baselines call the action body directly, with no artifact behind this context.
const UNGOVERNED_CONTEXT: ActionContext = { idempotencyKey: 'ungoverned', principal: 'ungoverned', artifactId: 'none' };

/**
 * The plain activities of the two baselines: the very same action body registered
 * without governance, and the two-activity variant's preflight, which takes what
 * authorization would take and returns a constant, with no policy and no crypto.
 */
export function createBaselineActivities(actions: BenchActions = createBenchActions()) {
  const action = actions[BENCH_ACTION];
  return {
    [BENCH_ACTION]: (input: BenchRecordInput): Promise<BenchRecordResult> => action.execute(input, UNGOVERNED_CONTEXT),
    [BENCH_PREFLIGHT]: async (_request: { action: string; args: readonly unknown[] }): Promise<{ decision: 'permit' }> => ({ decision: 'permit' }),
  };
}

/** The baseline activities' types, for the workflows (types only). */
export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
