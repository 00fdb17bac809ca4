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
