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
/** Query of the control workflow: the kill-switch change in force, as its history applied it. */
export const KILL_SWITCH_STATE_QUERY = 'writ.killSwitchState';
/** Workflow id of the control workflow, one per namespace. */
export const CONTROL_WORKFLOW_ID = 'writ-control';
/** Workflow type of the control workflow, the only workflow whose activity changes the kill switch. */
export const CONTROL_WORKFLOW_TYPE = 'writControl';
/** How an approval made with an operator's passkey travels where a signed statement does: this prefix, then base64url JSON. */
export const PASSKEY_STATEMENT_PREFIX = 'writ-passkey.';

/** Search attribute and values that make waiting workflows findable across the namespace. */
export const STATUS_SEARCH_ATTRIBUTE = 'WritStatus';
export const AWAITING_APPROVAL = 'AwaitingApproval';
export const RUNNING = 'Running';

/**
 * Memo key under which a waiting run keeps its pending view (a `PendingMemo`), current with
 * every accepted approval and cleared when the wait ends: the visibility list that finds
 * waiting runs then carries what each waits for, with no query per run.
 */
export const PENDING_MEMO = 'writ.pending';
/** Patch id (`patched`) of the pending memo: runs recorded before it replay without the memo's commands. */
export const PENDING_MEMO_PATCH = 'writ-pending-memo-1';
/**
 * The largest pending view a run puts in its memo, in bytes of JSON. Temporal warns of
 * large memos and every list call carries them; a larger view (long arguments) is left for
 * the `writ.pending` query and the memo says only that the run waits.
 */
export const PENDING_MEMO_MAX_BYTES = 8 * 1024;

/** A waiting run's memo entry: its pending view, or, when that is too large for a memo, only that it must be asked. */
export type PendingMemo = { readonly view: PendingApproval } | { readonly askQuery: true };

/** Activity types that verify operator statements (recorded in history). */
export const VERIFY_APPROVAL_ACTIVITY = 'writ.verifyApproval';
export const APPLY_REVOCATION_ACTIVITY = 'writ.applyRevocation';
export const APPLY_KILL_SWITCH_ACTIVITY = 'writ.applyKillSwitch';

/** A request waiting for approval: what an approver signs (its digest) and reads. */
export interface ApprovalRequest {
  /** sha256 of the canonical `{ workflowId, runId, stepId, action, argsDigest, policyDigest }`. */
  readonly requestDigest: string;
  /** The waiting run's workflow id. */
  readonly workflowId: string;
  /** The waiting run: an approval is bound to it and counts for no other run. */
  readonly runId: string;
  /** The governed step that waits. */
  readonly stepId: string;
  /** The action to approve. */
  readonly action: string;
  /** Its arguments, for the approver to read. */
  readonly args: readonly unknown[];
  /** Canonical digest of `{ action, args }`: what the approval binds, so other arguments need another approval. */
  readonly argsDigest: string;
  /** The policy set that asked for approval. */
  readonly policySetId: string;
  /** That policy set's version. */
  readonly policyVersion: string;
  /** That policy set's digest. */
  readonly policyDigest: string;
  /** The run's verified initiator, who may not approve their own request. */
  readonly initiator: string;
  /** How many distinct approvers must approve. */
  readonly required: number;
  /** The `@id`s of the policies that asked for approval. */
  readonly requiredBy: readonly string[];
  /** How long the policy lets the step wait, in seconds. */
  readonly timeoutSeconds: number;
}

/** The pending state a run reports through `writ.pending`. */
export interface PendingApproval extends ApprovalRequest {
  /** When the step began to wait (ISO 8601, workflow time). */
  readonly requestedAt: string;
  /** When the wait ends, after which the step fails with APPROVAL_TIMEOUT. */
  readonly expiresAt: string;
  /** Approvers whose approvals have been accepted so far. */
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
  /** Always true: a refused statement fails the update with its code instead. */
  readonly accepted: true;
  /** What the statement decided. */
  readonly decision: 'approve' | 'deny';
  /** Who signed it. */
  readonly approver: string;
  /** Approvals accepted so far, this one included when it approves. */
  readonly approvals: number;
  /** How many the request needs. */
  readonly required: number;
}

/** Input of `writ.applyRevocation` and `writ.applyKillSwitch`. */
export interface OperatorStatementRequest {
  readonly statement: string;
}

/** What a revocation or kill-switch change returns once verified and recorded. */
export interface OperatorActReceipt {
  /** The operator who signed the statement. */
  readonly by: string;
  /** When it was recorded (ISO 8601). */
  readonly at: string;
  /** `sha256:<hex>` of the signed statement, which the history holds. */
  readonly statementDigest: string;
  /** Why, as the operator stated it. */
  readonly reason: string;
}

/** What `writ.applyKillSwitch` returns: the act, and which way it turned the switch. */
export interface KillSwitchReceipt extends OperatorActReceipt {
  /** Engaged (true) or lifted (false) by this change. */
  readonly engaged: boolean;
}

/**
 * The kill-switch change in force, as the control workflow's history applied it (what
 * `writ.killSwitchState` answers): a resume names its `statementDigest`. Null before the
 * control workflow applied any change.
 */
export interface KillSwitchInForce {
  /** Halted (true) or resumed (false). */
  readonly engaged: boolean;
  /** `sha256:<hex>` of the statement that made the change. */
  readonly statementDigest: string;
  /** The operator who signed it. */
  readonly by: string;
  /** When it was applied (ISO 8601). */
  readonly at: string;
}
