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
  // An operator statement (approval, denial, revocation, kill-switch change) the run accepted
  // that was older than the freshness window when its update arrived, or issued after it
  // (as the enforcing side's STATEMENT_STALE).
  'STATEMENT_STALE',
  // A kill-switch lift the control run applied that names another halt than the change
  // its history applied before it (as the enforcing side's KILL_SWITCH_STATE_MISMATCH).
  'KILL_SWITCH_STATE_MISMATCH',
  // The policy set does not give the signer of a revocation or kill-switch change that authority.
  'OPERATOR_NOT_AUTHORIZED',
  // A governed action of a run started (and was not refused) after a verified revocation.
  'ACTION_AFTER_REVOCATION',
  // An artifact signed by a key the key set marks as a receipt key: an executor's key
  // authorizes nothing.
  'ARTIFACT_KEY_PURPOSE_INVALID',
  // A receipt signed by a key the key set marks as an authorization key: only an
  // executor's receipt key attests to an execution.
  'RECEIPT_KEY_PURPOSE_INVALID',
  // Audits that read the evidence log (audit/log/): a signed denial record in the log that
  // does not verify with an authorization key, or names another run or step than its entry.
  'DENIAL_INVALID',
  // A log entry whose envelope (kind, run, step) disagrees with the signed evidence it holds.
  'LOG_ENTRY_MISMATCH',
  // An artifact, denial, statement or receipt in history that the evidence log does not hold
  // (or holds with other bytes), under the verified checkpoint.
  'EVIDENCE_NOT_LOGGED',
  // A bundle's inclusion proof of an entry that does not lead to the verified checkpoint's root.
  'LOG_INCLUSION_INVALID',
] as const;

/** One finding code. */
export type FindingCode = (typeof FINDING_CODES)[number];

/** One thing wrong, named precisely: where, what was expected, what was found. */
export interface Finding {
  /** What is wrong, as a stable code to match on. */
  readonly code: FindingCode;
  /** The run's workflow id. */
  readonly workflowId: string;
  /** The run the finding is in. */
  readonly runId: string;
  /** The history event the finding is about, when there is one. */
  readonly eventId: number | null;
  /** The evidence log entry the finding is about, when an audit read the log. */
  readonly logIndex?: number | null;
  /** What a sound history has here. */
  readonly expected: string;
  /** What this history has instead. */
  readonly found: string;
  /** What it means, in a sentence. */
  readonly message: string;
}

/** A governed step as the auditor established it. */
export interface AuditedStep {
  /** The governed step's id, stable across its re-authorizations. */
  readonly stepId: string;
  /** The governed action's name. */
  readonly action: string;
  /** The activity id the action was (or would have been) scheduled with. */
  readonly activityId: string;
  /** What authorization answered; `pending` while it runs or awaits approval. */
  readonly decision: 'permit' | 'deny' | 'pending';
  /** Why a denied step was denied (its failure code), or null. */
  readonly denialCode: string | null;
  /**
   * Who the action ran for: from the verified artifact when there is one, else as the
   * history records it (a denial mints no artifact, so its facts are unsigned).
   */
  readonly principal: string | null;
  /** The policy set the decision was made under, sourced as `principal` is. */
  readonly policySetId: string | null;
  /** That policy set's version, sourced as `principal` is. */
  readonly policyVersion: string | null;
  /** The `jti` of the authorizing artifact, or null when none was minted. */
  readonly artifactId: string | null;
  /** `sha256:<hex>` of the permit's artifact: the link the next step's lineage names. */
  readonly artifactDigest: string | null;
  /** Approvers whose approvals the artifact cites (empty when none were needed). */
  readonly approvers: readonly string[];
  /** How the action ended: `refused` by the enforcement point, `not-scheduled` after a denial. */
  readonly outcome: 'completed' | 'failed' | 'refused' | 'not-scheduled' | 'pending';
  /** The step's place in the run's hash chain, or null when the history does not show it. */
  readonly lineage: { readonly sequence: number; readonly previous: string | null; readonly parent: string | null } | null;
  /** The history event that scheduled the `writ.authorize` activity. */
  readonly authorizeEventId: number;
  /** The history event that scheduled the action, or null when it never was. */
  readonly actionEventId: number | null;
  /**
   * Where the step's artifact is in the evidence log, when the audit checked the log: the
   * index of its proven entry, or null when the log does not hold it. Absent when the log
   * was not checked, or the step minted no artifact.
   */
  readonly logIndex?: number | null;
}

/** The verdict on one workflow run. */
export interface RunVerdict {
  /** The run's workflow id. */
  readonly workflowId: string;
  /** The run's id. */
  readonly runId: string;
  /** The run's workflow type. */
  readonly workflowType: string;
  /** The parent run, when this run is a child workflow. */
  readonly parent: { readonly workflowId: string; readonly runId: string } | null;
  /** Every governed step of the run, in history order. */
  readonly steps: readonly AuditedStep[];
  /** Everything found wrong in the run, in event order; empty when it passed. */
  readonly findings: readonly Finding[];
  /** Whether the history replayed against the workflow code; `skipped` with `replay: false`. */
  readonly replay: 'passed' | 'failed' | 'skipped';
  /** The run this one continues (continue-as-new), when it does. */
  readonly continuedFrom?: string | null;
  /** What the auditor could not check and why (never a finding): a parent not in the evidence, an exempt activity. */
  readonly notes?: readonly string[];
}

/** The verdict on a whole audit: passed only when no run has any finding. */
export interface AuditVerdict {
  /** True only when no run has any finding. */
  readonly passed: boolean;
  /** The verdict on each run audited. */
  readonly runs: readonly RunVerdict[];
  /** Artifacts whose signature and shape verified; later checks of them may still find something. */
  readonly artifactsVerified: number;
  /** How many findings the runs have in all. */
  readonly findings: number;
  /** Receipts whose signature and bindings verified. */
  readonly receiptsVerified?: number;
  /** The workflow code replay ran against (sha256 of the bundle), or null when replay was skipped. */
  readonly replayCodeDigest?: string | null;
  /** Key ids whose signatures the verdict rests on: compare them with the keys you trust. */
  readonly keysUsed?: readonly string[];
}
