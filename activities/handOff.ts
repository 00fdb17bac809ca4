import { Context } from '@temporalio/activity';
import { WritError } from '../core/errors/writError';
import { toApplicationFailure } from '../core/errors/toApplicationFailure';
import type { HandOffRequest, HandOffResult } from '../core/protocol/authorizeContract';
import type { GovernanceDeps } from './governanceDeps';
import { currentRun } from './currentRun';

const MAX_WORKFLOW_ID_LENGTH = 1000;

/**
 * Builds `writ.handOff`: a registered run offers its identity to the child workflow it is
 * about to start, or to the run continuing it, so that run carries a single-use hand-off id
 * instead of a reusable token. The offering run is the one that scheduled this activity
 * (from its info, not its input); the offer records this run's chain head as the receiving
 * run's parent link. Its id is derived from the run and this activity's id, so a retried
 * attempt offers the same hand-off.
 */
export function createHandOff(deps: Pick<GovernanceDeps, 'governance' | 'clock'>): (request: HandOffRequest) => Promise<HandOffResult> {
  return async function handOff(request) {
    try {
      const run = currentRun(Context.current().info);
      requireHandOffRequest(request, run.workflowId);
      return await deps.governance.offerHandoff({
        handoffId: `${run.runId}:${run.activityId}`,
        namespace: run.namespace,
        fromRunId: run.runId,
        toWorkflowId: request.toWorkflowId,
        kind: request.kind,
        offeredAt: deps.clock().toISOString(),
      });
    } catch (error) {
      throw toApplicationFailure(error, 'HANDOFF_INVALID');
    }
  };
}

/** The request names a workflow id and a kind; continue-as-new hands on to the run's own id only. */
function requireHandOffRequest(request: HandOffRequest, ownWorkflowId: string): void {
  const { toWorkflowId, kind } = (request ?? {}) as Partial<HandOffRequest>;
  const issues: { path: string; message: string }[] = [];
  if (typeof toWorkflowId !== 'string' || toWorkflowId.length === 0 || toWorkflowId.length > MAX_WORKFLOW_ID_LENGTH) issues.push({ path: 'toWorkflowId', message: `must be a workflow id of 1 to ${MAX_WORKFLOW_ID_LENGTH} characters` });
  if (kind !== 'child' && kind !== 'continue') issues.push({ path: 'kind', message: 'must be child or continue' });
  else if (kind === 'continue' && toWorkflowId !== ownWorkflowId) issues.push({ path: 'toWorkflowId', message: 'a continued run keeps the workflow id' });
  if (issues.length > 0) throw new WritError('INPUT_INVALID', 'the hand-off request is not valid', { issues });
}
