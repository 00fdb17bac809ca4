// The contract between operators and running workflows: update and query names, what a
// pending approval looks like, and the activities that verify operator statements.
// Workflow code imports this file (types and constants only).

/** Update: an operator's signed approval or denial of the pending request. */
export const APPROVE_UPDATE = 'writ.approve';
/** Update: an operator's signed revocation of this run's authority. */
export const REVOKE_UPDATE = 'writ.revoke';
/** Query: what this run is waiting for, if anything. */
export const PENDING_QUERY = 'writ.pending';
/** Updates of the control workflow: the namespace-wide kill switch. */
export const KILL_SWITCH_UPDATE = 'writ.killSwitch';
/** Workflow id of the control workflow, one per namespace. */
export const CONTROL_WORKFLOW_ID = 'writ-control';
/** Search attribute and values that make waiting workflows findable across the namespace. */
export const STATUS_SEARCH_ATTRIBUTE = 'WritStatus';
export const AWAITING_APPROVAL = 'AwaitingApproval';
export const RUNNING = 'Running';

/** Activity types that verify operator statements (recorded in history). */
export const VERIFY_APPROVAL_ACTIVITY = 'writ.verifyApproval';
export const APPLY_REVOCATION_ACTIVITY = 'writ.applyRevocation';
export const APPLY_KILL_SWITCH_ACTIVITY = 'writ.applyKillSwitch';

/** A request waiting for approval: what an approver signs (its digest) and reads. */
export interface ApprovalRequest {
  /** sha256 of the canonical `{ workflowId, runId, stepId, action, argsDigest, policyDigest }`. */
  readonly requestDigest: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly stepId: string;
  readonly action: string;
  readonly args: readonly unknown[];
  readonly argsDigest: string;
  readonly policySetId: string;
  readonly policyVersion: string;
  readonly policyDigest: string;
  readonly initiator: string;
  readonly required: number;
  readonly requiredBy: readonly string[];
  readonly timeoutSeconds: number;
}

/** The pending state a run reports through `writ.pending`. */
export interface PendingApproval extends ApprovalRequest {
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly approvers: readonly string[];
}

/** Input of `writ.verifyApproval`. */
export interface VerifyApprovalRequest {
  readonly statement: string;
  readonly request: ApprovalRequest;
  /** Statement ids (jti) already presented in this run: a replay is refused. */
  readonly seenStatementIds: readonly string[];
  /** Approvers already counted for this request: each counts once. */
  readonly countedApprovers: readonly string[];
}

/** A verified approval or denial. */
export interface VerifiedApproval {
  readonly approver: string;
  readonly decision: 'approve' | 'deny';
  readonly statementId: string;
  readonly statementDigest: string;
  readonly issuedAt: number;
  readonly reason: string | null;
}

/** What an operator gets back from `writ.approve`. */
export interface ApprovalAnswer {
  readonly accepted: true;
  readonly decision: 'approve' | 'deny';
  readonly approver: string;
  readonly approvals: number;
  readonly required: number;
}

/** Input of `writ.applyRevocation` and `writ.applyKillSwitch`. */
export interface OperatorStatementRequest {
  readonly statement: string;
}

/** What a revocation or kill-switch change returns once verified and recorded. */
export interface OperatorActReceipt {
  readonly by: string;
  readonly at: string;
  readonly statementDigest: string;
  readonly reason: string;
}
