import type { ApprovalRequest } from './operatorContract';

/** Writ's activity that logs the signed denial record of an approval wait that timed out. */
export const RECORD_APPROVAL_TIMEOUT_ACTIVITY = 'writ.recordApprovalTimeout';

/**
 * The patch under which a timed-out approval wait schedules RECORD_APPROVAL_TIMEOUT_ACTIVITY:
 * histories recorded before it timed out without scheduling anything, and still replay.
 */
export const APPROVAL_TIMEOUT_RECORD_PATCH = 'writ-approval-timeout-record-1';

/** Input of `writ.recordApprovalTimeout`: the request that waited, and who had approved when it expired. */
export interface ApprovalTimeoutRecordRequest {
  readonly request: ApprovalRequest;
  /** Approvers whose approvals had been accepted when the wait ended (fewer than required). */
  readonly approvers: readonly string[];
}

/** Result of `writ.recordApprovalTimeout`: where the denial record went, null when it was not logged. */
export interface ApprovalTimeoutRecorded {
  readonly logIndex: number | null;
}
