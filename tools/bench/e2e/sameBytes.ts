import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createAuthorize } from '../../../activities/authorize';
import { createVerifyIdentity } from '../../../activities/verifyIdentity';
import { canonicalDigest, sha256Digest } from '../../../core/canonical/digest';
import { AUTHORIZE_ACTIVITY, VERIFY_IDENTITY_ACTIVITY, type AuthorizeOutcome, type AuthorizeRequest, type AuthorizeResult, type LineageLink } from '../../../core/protocol/authorizeContract';
import { createStartProof } from '../../../core/identity/startProof';
import { mintReceipt } from '../../../core/receipt/mintReceipt';
import type { GovernedBundle } from '../../../worker/bundleGovernedWorkflows';
import { BENCH_ACTION, type BenchRecordInput, type BenchRecordResult, type SameBytesSizes } from '../benchActions';
import type { BenchGovernance } from '../benchGovernance';

/** The names a governed measured workflow runs under, shaped and sized as runE2e gives them. */
export interface GovernedRunShape {
  readonly namespace: string;
  readonly taskQueue: string;
  readonly workflowId: string;
  readonly workflowType: string;
  /** K: the sample is the run's last step, chained to its first. */
  readonly steps: number;
}

/**
 * Measures what a governed step records beyond the two-activity step, from real objects:
 * `writ.authorize` itself (the production activity, in a mock activity context carrying
 * the governed variant's namespace, task queue, workflow id and type and a fresh run id)
 * permits step K of a run, chained to step 1 as the lineage would be, and the receipt is
 * minted as the enforcement point mints it for that step's result. Only digests of the
 * arguments and result enter artifact and receipt, so their values do not change a size.
 */
export async function measureGovernedStepBytes(
  governance: BenchGovernance,
  workflows: Pick<GovernedBundle, 'codeDigest'>,
  run: GovernedRunShape,
): Promise<SameBytesSizes> {
  const deps = governance.deps(workflows);
  const authorize = createAuthorize(deps);
  const runId = randomUUID();
  const info = { activityNamespace: run.namespace, taskQueue: run.taskQueue, workflowExecution: { workflowId: run.workflowId, runId }, workflowType: run.workflowType };
  // The run's first step, as in the governed variant: its identity registered once.
  const startProof = await createStartProof(governance.proofKey, { workflowId: run.workflowId, workflowType: run.workflowType, identityToken: governance.identityToken });
  await new MockActivityEnvironment({ ...info, activityType: VERIFY_IDENTITY_ACTIVITY, activityId: '1' }, { logger: new DefaultLogger('ERROR') }).run(createVerifyIdentity(deps), {
    identityToken: governance.identityToken,
    startProof,
  });
  let request: AuthorizeRequest | undefined;
  const permit = async (sequence: number, previous: string | null): Promise<AuthorizeResult> => {
    const stepId = `writ-step-${sequence}`;
    const activityId = `${stepId}.1`;
    const input: BenchRecordInput = { sequence, amountCents: 100 + sequence, note: 'benchmark step' };
    const lineage: LineageLink = { sequence, previous, parent: null };
    request = { action: BENCH_ACTION, args: [input], stepId, activityId, taskQueue: run.taskQueue, lineage };
    const env = new MockActivityEnvironment({ ...info, activityType: AUTHORIZE_ACTIVITY, activityId: `writ-authorize-${sequence}` }, { logger: new DefaultLogger('ERROR') });
    const outcome: AuthorizeOutcome = await env.run(authorize, request);
    if (outcome.decision !== 'permit') throw new Error(`the bench policy must permit ${BENCH_ACTION} outright, got ${outcome.decision}`);
    return outcome;
  };
  // Step K chained to step 1: the chain in the store is brought to step K's link first.
  const first = await permit(1, null);
  let previous = first;
  for (let sequence = 2; sequence < run.steps; sequence += 1) previous = await permit(sequence, previous.artifactDigest);
  const step = run.steps === 1 ? first : await permit(run.steps, previous.artifactDigest);
  const { action: _action, args: _args, ...extra } = request!;
  const result: BenchRecordResult = { sequence: run.steps, recorded: true };
  const receipt = await mintReceipt(
    {
      artifactId: step.artifactId,
      artifactDigest: sha256Digest(step.artifact),
      runId,
      activityId: `writ-step-${run.steps}.1`,
      attempt: 1,
      outcome: 'completed',
      resultDigest: canonicalDigest(result),
    },
    governance.receiptSigner,
    new Date(),
  );
  // Payloads are JSON (the default converter): a string records its length plus quotes, an object its JSON.
  return {
    authorizeRequestExtra: Buffer.byteLength(JSON.stringify(extra)),
    authorizeResult: Buffer.byteLength(JSON.stringify(step)),
    artifact: Buffer.byteLength(step.artifact),
    receipt: Buffer.byteLength(receipt),
  };
}
