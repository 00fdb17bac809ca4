import { ApplicationFailure, condition, patched, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey, type Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { AWAITING_APPROVAL, RUNNING, STATUS_SEARCH_ATTRIBUTE, type ApprovalRequest } from '../core/protocol/operatorContract';
import { APPROVAL_TIMEOUT_RECORD_PATCH, RECORD_APPROVAL_TIMEOUT_ACTIVITY, type ApprovalTimeoutRecorded, type ApprovalTimeoutRecordRequest } from '../core/protocol/approvalTimeoutContract';
import { publishPending } from './pendingMemo';
import { runState, type PendingState } from './runState';

const STATUS = defineSearchAttributeKey(STATUS_SEARCH_ATTRIBUTE, 'KEYWORD');

/**
 * Pauses the step until the request has its approvals, is denied, the run is revoked, the
 * caller withdraws the call (`withdrawn`: CALL_CANCELLED) or the wait times out. While it
 * waits the run is findable (WritStatus = AwaitingApproval), keeps what it waits for in its
 * memo and answers the `writ.pending` query. Timeout, denial, revocation and withdrawal are
 * failures with their codes: never a silent permit. Returns the approval statements as
 * evidence.
 */
export async function awaitApprovals(request: ApprovalRequest, timeout: Duration | undefined, maxWait?: Duration, withdrawn?: () => boolean): Promise<string[]> {
  const state = runState();
  const now = Date.now(); // workflow time: deterministic
  const asked = timeout === undefined ? request.timeoutSeconds * 1000 : msToNumber(timeout);
  const waitMs = maxWait === undefined ? asked : Math.min(asked, msToNumber(maxWait));
  const pending: PendingState = {
    ...request,
    requestedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + waitMs).toISOString(),
    approvers: [],
    statements: [],
    deniedBy: undefined,
  };
  state.pending = pending;
  upsertSearchAttributes([{ key: STATUS, value: AWAITING_APPROVAL }]);
  publishPending(pending);
  let settled: boolean;
  try {
    settled = await condition(
      () => pending.approvers.length >= request.required || pending.deniedBy !== undefined || state.revoked !== undefined || withdrawn?.() === true,
      waitMs,
    );
  } finally {
    state.pending = undefined;
    upsertSearchAttributes([{ key: STATUS, value: RUNNING }]);
    publishPending(undefined);
  }
  if (state.revoked !== undefined) {
    throw ApplicationFailure.create({ type: 'AUTHORITY_REVOKED', message: `revoked by ${state.revoked.by}: ${state.revoked.reason}`, nonRetryable: true });
  }
  if (pending.deniedBy !== undefined) {
    const { approver, reason } = pending.deniedBy;
    throw ApplicationFailure.create({ type: 'APPROVAL_DENIED', message: `${request.action} denied by ${approver}${reason ? `: ${reason}` : ''}`, nonRetryable: true });
  }
  if (withdrawn?.() === true) {
    throw ApplicationFailure.create({ type: 'CALL_CANCELLED', message: `${request.action}: the caller withdrew the call while it waited for approvals`, nonRetryable: true });
  }
  if (!settled) {
    await recordTimeout(request, pending.approvers);
    throw ApplicationFailure.create({
      type: 'APPROVAL_TIMEOUT',
      message: `${request.action} in ${workflowInfo().workflowId}: ${pending.approvers.length} of ${request.required} approvals before the wait expired`,
      nonRetryable: true,
    });
  }
  return [...pending.statements];
}

const recorder = proxyActivities<Record<string, (input: ApprovalTimeoutRecordRequest) => Promise<ApprovalTimeoutRecorded>>>({
  startToCloseTimeout: '15s',
  retry: { maximumAttempts: 3 },
});

/**
 * Has the timed-out wait logged as a signed denial record (writ.recordApprovalTimeout, on
 * the run's own task queue, where approvals are verified). The timeout stands whatever
 * that activity answers. Histories recorded before the record existed scheduled nothing.
 */
async function recordTimeout(request: ApprovalRequest, approvers: readonly string[]): Promise<void> {
  if (!patched(APPROVAL_TIMEOUT_RECORD_PATCH)) return;
  try {
    await recorder[RECORD_APPROVAL_TIMEOUT_ACTIVITY]!({ request, approvers: [...approvers] });
  } catch {
    // The denial is the timeout itself; a record that could not be made changes nothing.
  }
}
