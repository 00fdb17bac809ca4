// The soak's workflows: an ordinary governed transfer, and a tampering one that reaches
// around proxyGoverned to present a genuine artifact with other arguments than it
// authorized. Deterministic workflow code: no clock, I/O or randomness.
import { proxyActivities } from '@temporalio/workflow';
import { proxyGoverned } from '../../workflows';
import { runState } from '../../workflows/runState';
import { WRIT_ERROR_CODES } from '../../core/errors/writError';
import { AUTHORIZE_ACTIVITY, type AuthorizeOutcome, type AuthorizeRequest } from '../../core/protocol/authorizeContract';
import type { ExampleActions } from '../../examples/exampleActions';

/** What every soak workflow moves: the memo is the workflow id, so side effects trace back to their run. */
export interface SoakTransferInput {
  readonly fromAccount: string;
  readonly toAccount: string;
  readonly amountCents: number;
  readonly memo: string;
}

// A short action timeout: an attempt lost with a killed worker is retried in seconds.
const { transferFunds } = proxyGoverned<ExampleActions>({ startToCloseTimeout: '5s' });

/** One governed transfer. */
export async function soakTransfer(input: SoakTransferInput): Promise<unknown> {
  return transferFunds(input);
}

/**
 * Authorizes `input` properly, then schedules the action with ten times the amount under
 * that artifact: the enforcement point must refuse (ARTIFACT_ARGS_MISMATCH) and nothing run.
 */
export async function soakTamper(input: SoakTransferInput): Promise<unknown> {
  const state = runState();
  state.steps += 1;
  const stepId = `writ-step-${state.steps}`;
  const activityId = `${stepId}.1`;
  const authorize = proxyActivities<Record<string, (request: AuthorizeRequest) => Promise<AuthorizeOutcome>>>({
    startToCloseTimeout: '15s',
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...WRIT_ERROR_CODES] },
  });
  const outcome = await authorize[AUTHORIZE_ACTIVITY]!({
    action: 'transferFunds',
    args: [input],
    stepId,
    activityId,
    lineage: state.lineage,
  });
  if (outcome.decision !== 'permit') throw new Error('soakTamper expects a permitted transfer to tamper with');
  state.lineage = { sequence: state.lineage.sequence + 1, previous: outcome.artifactDigest, parent: state.lineage.parent };
  state.pendingArtifacts.set(activityId, outcome.artifact);
  const act = proxyActivities<Record<string, (request: SoakTransferInput) => Promise<unknown>>>({
    startToCloseTimeout: '5s',
    activityId,
    retry: { maximumAttempts: outcome.maxAttempts, nonRetryableErrorTypes: [...WRIT_ERROR_CODES] },
  });
  return act['transferFunds']!({ ...input, amountCents: input.amountCents * 10 });
}
