import { Context } from '@temporalio/activity';
import { WritError } from '../core/errors/writError';
import { toApplicationFailure } from '../core/errors/toApplicationFailure';
import { mintDenialRecord } from '../core/log/entries/mintDenialRecord';
import type { ApprovalTimeoutRecorded, ApprovalTimeoutRecordRequest } from '../core/protocol/approvalTimeoutContract';
import { appendEvidence } from './appendEvidence';
import type { GovernanceDeps } from './governanceDeps';

/**
 * Builds `writ.recordApprovalTimeout`: the signed denial record of a step whose approval
 * wait expired (stage `approval`, code APPROVAL_TIMEOUT), logged so the denial outlives
 * history as authorize's and the enforcement point's do. It runs where approvals are
 * verified and is signed with that worker's receipt key; the principal is the run's, as
 * the governance store registered it (null if it cannot say), the policy the one that
 * asked for approval. The request must be this run's (APPROVAL_MISMATCH). The timeout
 * stands whatever happens here: a record that cannot be signed or logged is a warning in
 * the worker's log and a null index.
 */
export function createRecordApprovalTimeout(deps: GovernanceDeps): (input: ApprovalTimeoutRecordRequest) => Promise<ApprovalTimeoutRecorded> {
  return async function recordApprovalTimeout({ request }) {
    const info = Context.current().info;
    if (request.runId !== info.workflowExecution?.runId || request.workflowId !== info.workflowExecution.workflowId) {
      throw toApplicationFailure(new WritError('APPROVAL_MISMATCH', 'the timed-out approval request is not for this run'), 'APPROVAL_MISMATCH');
    }
    if (!deps.evidenceLog.enabled) return { logIndex: null };
    try {
      const identity = (await deps.governance.registeredRun(info.activityNamespace, request.runId).catch(() => undefined))?.identity;
      const record = await mintDenialRecord(
        {
          stage: 'approval',
          code: 'APPROVAL_TIMEOUT',
          principal: identity === undefined ? null : { id: identity.principal, issuer: identity.issuer, tokenDigest: identity.tokenDigest },
          runtime: { namespace: info.activityNamespace, taskQueue: info.taskQueue, workflowId: request.workflowId, runId: request.runId, stepId: request.stepId, activityId: null },
          intent: { action: request.action, argsDigest: request.argsDigest },
          policy: { setId: request.policySetId, version: request.policyVersion, digest: request.policyDigest, determiningPolicies: [...request.requiredBy] },
        },
        await deps.receiptSigner(),
        deps.clock(),
      );
      const logged = await appendEvidence(deps, { v: 1, kind: 'denial', runId: request.runId, stepId: request.stepId, evidence: record });
      return { logIndex: logged.index };
    } catch (failure) {
      Context.current().log.warn('the denial record of a timed-out approval was not logged', { runId: request.runId, stepId: request.stepId, error: String(failure) });
      return { logIndex: null };
    }
  };
}
