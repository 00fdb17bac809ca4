// The auditor's vocabulary: findings, verified steps and verdicts. The checker produces
// these; the CLI, the report and other tools consume them.

/** Stable codes of what an auditor can find wrong in a history. */
export const FINDING_CODES = [
  'REPLAY_NONDETERMINISM',
  'ACTION_WITHOUT_AUTHORIZATION',
  'AUTHORIZATION_NOT_COMPLETED',
  'ARTIFACT_INVALID',
  'ARTIFACT_KEY_NOT_VALID_AT_TIME',
  'ARTIFACT_BINDING_MISMATCH',
  'ARTIFACT_WINDOW_MISSED',
  'HEADER_ARTIFACT_MISMATCH',
  'RECEIPT_MISSING',
  'RECEIPT_INVALID',
  'RECEIPT_RESULT_MISMATCH',
  'LINEAGE_BROKEN',
  'POLICY_SET_UNKNOWN',
  'HISTORY_MALFORMED',
  // Added by the checker: the authorize activity's readable summary disagrees with the
  // artifact it returned (the workflow acted on the summary: principal, digest, attempts).
  'AUTHORIZATION_RESULT_MISMATCH',
  // Replay failed for a reason other than nondeterminism (the workflow type is not in the
  // code, the history cannot be replayed at all).
  'REPLAY_FAILED',
  // An operator event (approval, revocation, kill switch) that no registered verifier
  // checked: an event the auditor cannot verify is a finding, never skipped.
  'OPERATOR_EVENT_UNVERIFIED',
  // The run's identity token (start header) does not verify with the identity provider's
  // keys as it was when the run started.
  'IDENTITY_UNVERIFIED',
  // Approvals (audit/operators/): an approval the run accepted, or an artifact cites, whose
  // statement does not verify with the identity provider's keys when it arrived, or binds
  // another request than the one recomputed from the run (or from the citing artifact).
  'APPROVAL_UNVERIFIED',
  // The history's record of an accepted approval contradicts it: no completed
  // writ.verifyApproval of the statement, or a verification or answer naming another
  // approver, decision or count.
  'APPROVAL_OUTCOME_MISMATCH',
  // The run's initiator approved their own request.
  'APPROVAL_SELF',
  // One approver counted twice for one request (two accepted decisions, or listed twice).
  'APPROVAL_DUPLICATE_APPROVER',
  // The policy set the request names does not let the approver approve the action.
  'APPROVER_NOT_AUTHORIZED',
  // An artifact cites an approval no accepted writ.approve update before it records (by
  // statement digest and signer).
  'APPROVAL_NOT_RECORDED',
  // An artifact permits an action with fewer distinct approvers than required (by the
  // artifact, or by the request the step recorded).
  'APPROVAL_COUNT_SHORT',
  // A permit for a request after the run accepted a verified denial of it.
  'APPROVAL_DENIAL_IGNORED',
  // A revocation the run applied whose statement does not verify, names another run, or
  // whose application (writ.applyRevocation) or answer is not what the statement says.
  'REVOCATION_UNVERIFIED',
  // The same for a kill-switch change (writ.applyKillSwitch, the namespace it names).
  'KILL_SWITCH_UNVERIFIED',
  // The policy set does not give the signer of a revocation or kill-switch change that authority.
  'OPERATOR_NOT_AUTHORIZED',
  // A governed action of a run started (and was not refused) after a verified revocation.
  'ACTION_AFTER_REVOCATION',
] as const;

/** One finding code. */
export type FindingCode = (typeof FINDING_CODES)[number];

/** One thing wrong, named precisely: where, what was expected, what was found. */
export interface Finding {
  readonly code: FindingCode;
  readonly workflowId: string;
  readonly runId: string;
  /** The history event the finding is about, when there is one. */
  readonly eventId: number | null;
  readonly expected: string;
  readonly found: string;
  readonly message: string;
}

/** A governed step as the auditor established it. */
export interface AuditedStep {
  readonly stepId: string;
  readonly action: string;
  readonly activityId: string;
  readonly decision: 'permit' | 'deny' | 'pending';
  readonly denialCode: string | null;
  readonly principal: string | null;
  readonly policySetId: string | null;
  readonly policyVersion: string | null;
  readonly artifactId: string | null;
  readonly artifactDigest: string | null;
  readonly approvers: readonly string[];
  readonly outcome: 'completed' | 'failed' | 'refused' | 'not-scheduled' | 'pending';
  readonly lineage: { readonly sequence: number; readonly previous: string | null; readonly parent: string | null } | null;
  /** History event ids: the authorize scheduled event and the action scheduled event. */
  readonly authorizeEventId: number;
  readonly actionEventId: number | null;
}

/** The verdict on one workflow run. */
export interface RunVerdict {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly parent: { readonly workflowId: string; readonly runId: string } | null;
  readonly steps: readonly AuditedStep[];
  readonly findings: readonly Finding[];
  readonly replay: 'passed' | 'failed' | 'skipped';
  /** The run this one continues (continue-as-new), when it does. */
  readonly continuedFrom?: string | null;
  /** What the auditor could not check and why (never a finding): a parent not in the evidence, an exempt activity. */
  readonly notes?: readonly string[];
}

/** The verdict on a whole audit: passed only when no run has any finding. */
export interface AuditVerdict {
  readonly passed: boolean;
  readonly runs: readonly RunVerdict[];
  readonly artifactsVerified: number;
  readonly findings: number;
  /** Receipts whose signature and bindings verified. */
  readonly receiptsVerified?: number;
  /** The workflow code replay ran against (sha256 of the bundle), or null when replay was skipped. */
  readonly replayCodeDigest?: string | null;
  /** Key ids whose signatures the verdict rests on: compare them with the keys you trust. */
  readonly keysUsed?: readonly string[];
}
