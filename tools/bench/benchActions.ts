import { z } from 'zod';
import { defineAction } from '../../core/actions/defineAction';
import type { ActionContext } from '../../core/actions/types';

/** The benchmark's action name: the activity type in every variant and the Cedar action id. */
export const BENCH_ACTION = 'benchRecord';

/** The two-activity variants' stand-in for authorization: a recorded activity that decides nothing. */
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

/**
 * What a governed step puts into history beyond the two-activity step, in bytes, measured
 * on a sample artifact and receipt minted before the end-to-end phase (bench/e2e/sameBytes.ts):
 * the `two-activity-same-bytes` variant carries strings of these sizes.
 */
export interface SameBytesSizes {
  /**
   * What `writ.authorize`'s request carries beyond `{ action, args }` (step and activity ids,
   * the action's task queue, the lineage link), as JSON: no credential, the run's identity
   * being registered once per run.
   */
  readonly authorizeRequestExtra: number;
  /** `writ.authorize`'s result as recorded (JSON of `AuthorizeResult`: artifact and summary). */
  readonly authorizeResult: number;
  /** The artifact the action's header carries. */
  readonly artifact: number;
  /** The receipt the action's result carries (`ActionOutcome.writReceipt`). */
  readonly receipt: number;
}

/** The same-bytes preflight's result; its padding makes it as long as a governed authorize result. */
export interface SameBytesPreflightResult {
  readonly decision: 'permit';
  readonly padding: string;
}

/**
 * The activities of `two-activity-same-bytes`: the two-activity step's preflight and action,
 * under the same activity types, with no policy and no crypto, carrying as many bytes as a
 * governed step. The workflow sends the request-side strings (the identity token's and the
 * artifact's stand-ins); these return the result-side ones: a preflight result as long as
 * an authorize result, and the action's result in the governed `ActionOutcome` shape with a
 * receipt-long string. A string of `x`s has the JSON length of the base64url it stands for.
 */
export function createSameBytesActivities(sizes: SameBytesSizes, actions: BenchActions = createBenchActions()) {
  const action = actions[BENCH_ACTION];
  const paddingBytes = sizes.authorizeResult - Buffer.byteLength(JSON.stringify({ decision: 'permit', padding: '' } satisfies SameBytesPreflightResult));
  if (paddingBytes < 0) throw new RangeError(`an authorize result of ${sizes.authorizeResult} B is shorter than the preflight result's frame`);
  const preflightResult: SameBytesPreflightResult = { decision: 'permit', padding: 'x'.repeat(paddingBytes) };
  const receipt = 'x'.repeat(sizes.receipt);
  return {
    // `_artifact` stands in for the artifact header: an argument rather than a header, the
    // server stores the payload's bytes either way.
    [BENCH_ACTION]: async (input: BenchRecordInput, _artifact: string): Promise<{ result: BenchRecordResult; writReceipt: string }> => ({
      result: await action.execute(input, UNGOVERNED_CONTEXT),
      writReceipt: receipt,
    }),
    [BENCH_PREFLIGHT]: async (_request: { action: string; args: readonly unknown[]; padding: string }): Promise<SameBytesPreflightResult> => preflightResult,
  };
}

/** The same-bytes activities' types, for the workflows (types only). */
export type SameBytesActivities = ReturnType<typeof createSameBytesActivities>;
