import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createAuthorize } from '../../../activities/authorize';
import { canonicalDigest, sha256Digest } from '../../../core/canonical/digest';
import { AUTHORIZE_ACTIVITY, type AuthorizeOutcome, type AuthorizeRequest, type AuthorizeResult, type LineageLink } from '../../../core/protocol/authorizeContract';
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
  const permit = async (sequence: number, previous: string | null): Promise<AuthorizeResult> => {
    const stepId = `writ-step-${sequence}`;
    const activityId = `${stepId}.1`;
    const input: BenchRecordInput = { sequence, amountCents: 100 + sequence, note: 'benchmark step' };
    const lineage: LineageLink = { sequence, previous, parent: null };
    const request: AuthorizeRequest = { action: BENCH_ACTION, args: [input], stepId, activityId, identityToken: governance.identityToken, lineage };
    const env = new MockActivityEnvironment(
      {
        activityNamespace: run.namespace,
        taskQueue: run.taskQueue,
        workflowExecution: { workflowId: run.workflowId, runId },
        workflowType: run.workflowType,
        activityType: AUTHORIZE_ACTIVITY,
        activityId,
      },
      { logger: new DefaultLogger('ERROR') },
    );
    const outcome: AuthorizeOutcome = await env.run(authorize, request);
    if (outcome.decision !== 'permit') throw new Error(`the bench policy must permit ${BENCH_ACTION} outright, got ${outcome.decision}`);
    return outcome;
  };
  const first = await permit(1, null);
  const step = run.steps === 1 ? first : await permit(run.steps, first.artifactDigest);
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
    identityToken: Buffer.byteLength(governance.identityToken),
    authorizeResult: Buffer.byteLength(JSON.stringify(step)),
    artifact: Buffer.byteLength(step.artifact),
    receipt: Buffer.byteLength(receipt),
  };
}
