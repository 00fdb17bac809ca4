/**
 * Every failure Writ raises carries one of these stable codes. Tests, operators and
 * auditors match on the code, never on the message text. At the Temporal boundary the
 * code becomes the ApplicationFailure `type` (see `toApplicationFailure`).
 */
export const WRIT_ERROR_CODES = [
  // identity of the workflow's initiator
  'IDENTITY_MISSING',
  'IDENTITY_INVALID',
  'IDENTITY_EXPIRED',
  'IDENTITY_UNTRUSTED_ISSUER',
  // proof of possession of the key an identity token is bound to (cnf.jkt), per start
  'START_PROOF_MISSING',
  'START_PROOF_INVALID',
  'START_PROOF_KEY_MISMATCH',
  'START_PROOF_BINDING_MISMATCH',
  // the action and its input
  'ACTION_UNKNOWN',
  'ACTION_NOT_GOVERNED',
  'INPUT_INVALID',
  'INPUT_TOO_LARGE',
  'RESOURCE_UNAVAILABLE',
  // policy
  'POLICY_DENIED',
  'POLICY_EVALUATION_ERROR',
  'POLICY_INVALID',
  'POLICY_UNAVAILABLE',
  'POLICY_STALE',
  // keys and signing
  'KEY_NOT_FOUND',
  'KEYSTORE_INVALID',
  'SIGNER_UNAVAILABLE',
  // the authorization artifact at the enforcement point
  'ARTIFACT_MISSING',
  'ARTIFACT_MALFORMED',
  'ARTIFACT_ALG_NOT_ALLOWED',
  'ARTIFACT_TYP_INVALID',
  'ARTIFACT_KEY_UNKNOWN',
  'ARTIFACT_KEY_NOT_ACTIVE',
  'ARTIFACT_KEY_PURPOSE_INVALID',
  'ARTIFACT_SIGNATURE_INVALID',
  'ARTIFACT_CLAIMS_INVALID',
  'ARTIFACT_EXPIRED',
  'ARTIFACT_NOT_YET_VALID',
  'ARTIFACT_LIFETIME_EXCESSIVE',
  'ARTIFACT_CONTEXT_MISMATCH',
  'ARTIFACT_RUN_MISMATCH',
  'ARTIFACT_ACTIVITY_MISMATCH',
  'ARTIFACT_ACTION_MISMATCH',
  'ARTIFACT_ARGS_MISMATCH',
  'ARTIFACT_ATTEMPTS_EXCEEDED',
  'ARTIFACT_APPROVALS_MISSING',
  // operators: approvals, revocation, kill switch
  'APPROVAL_INVALID',
  'APPROVAL_EXPIRED',
  'APPROVAL_MISMATCH',
  'APPROVAL_REPLAYED',
  'APPROVAL_SELF',
  'APPROVAL_DUPLICATE_APPROVER',
  'APPROVER_NOT_AUTHORIZED',
  'APPROVAL_DENIED',
  'APPROVAL_TIMEOUT',
  'APPROVAL_NOT_PENDING',
  'OPERATOR_NOT_AUTHORIZED',
  'STATEMENT_INVALID',
  'STATEMENT_REPLAYED',
  'STATEMENT_STALE',
  // an operator statement of a kind the configuration does not accept (operators.statements: e.g. a JWT where only passkeys are)
  'STATEMENT_KIND_REFUSED',
  'AUTHORITY_REVOKED',
  'KILL_SWITCH_ENGAGED',
  'KILL_SWITCH_STATE_MISMATCH',
  'GOVERNANCE_STORE_UNAVAILABLE',
  'STORE_SCHEMA_NEWER',
  // the run: its verified start, the identity it hands on, its lineage chain
  'IDENTITY_REPLAYED',
  'IDENTITY_UNBOUND',
  'RUN_NOT_VERIFIED',
  'RUN_ALREADY_VERIFIED',
  'HANDOFF_INVALID',
  'HANDOFF_REPLAYED',
  'LINEAGE_HEAD_MISMATCH',
  // receipts
  'RECEIPT_INVALID',
  'RECEIPT_KEY_PURPOSE_INVALID',
  // canonical JSON
  'CANONICAL_INVALID_JSON',
  'CANONICAL_DUPLICATE_KEY',
  'CANONICAL_LONE_SURROGATE',
  'CANONICAL_NUMBER_IMPRECISE',
  'CANONICAL_NON_JSON_VALUE',
  // the governed step as a whole
  'REAUTHORIZATION_EXHAUSTED',
  // a caller withdrew its call (an agent cancelled a tool call) before the action was scheduled
  'CALL_CANCELLED',
  'AUTHORIZE_FAILED',
  // operators' passkeys
  'PASSKEY_UNKNOWN',
  'PASSKEY_ALREADY_BOUND',
  'PASSKEY_COUNTER_REGRESSED',
  'PASSKEY_ASSERTION_INVALID',
  'PASSKEY_REGISTRATION_INVALID',
  // the operator console: sign-in and its requests
  'SIGN_IN_INVALID',
  'CSRF_INVALID',
  'IDENTITY_PROVIDER_UNAVAILABLE',
  // configuration and the embedded server
  'CONFIG_INVALID',
  'TEMPORAL_CLI_NOT_FOUND',
  'TEMPORAL_SERVER_FAILED',
  'TEMPORAL_UNREACHABLE',
  'WORKFLOW_NOT_FOUND',
  'NAMESPACE_NOT_FOUND',
  // upstream MCP servers served as governed tools
  'MCP_TOOL_NAME_INVALID',
  'MCP_PATH_TRAVERSAL',
  'MCP_PATH_INVALID',
  'MCP_UPSTREAM_UNAVAILABLE',
  'MCP_UPSTREAM_SCHEMA_UNSUPPORTED',
  'MCP_RESULT_TOO_LARGE',
  // example stores
  'LEDGER_INSUFFICIENT_FUNDS',
  'LEDGER_ACCOUNT_UNKNOWN',
  'IDEMPOTENCY_KEY_CONFLICT',
  // evidence log
  'LOG_ENTRY_INVALID',
  'LOG_ENTRY_TOO_LARGE',
  'LOG_ENTRY_NOT_FOUND',
  'LOG_KEY_INVALID',
  'LOG_NOTE_MALFORMED',
  'LOG_NOTE_UNTRUSTED',
  'LOG_SIGNATURE_INVALID',
  'LOG_CHECKPOINT_MALFORMED',
  'LOG_ORIGIN_MISMATCH',
  'LOG_ORIGIN_UNKNOWN',
  'LOG_WITNESS_QUORUM',
  'LOG_PROOF_MALFORMED',
  'LOG_PROOF_INVALID',
  'LOG_CHECKPOINT_OLDER',
  'LOG_CHECKPOINT_INCONSISTENT',
  'LOG_WITNESS_SIZE_MISMATCH',
  'LOG_NOT_FOUND',
  'LOG_ALREADY_EXISTS',
  'LOG_LOCKED',
  'LOG_CORRUPT',
  'LOG_WRITE_FAILED',
  'LOG_UNREACHABLE',
  'EVIDENCE_LOG_UNAVAILABLE',
] as const;

/** One of `WRIT_ERROR_CODES`. */
export type WritErrorCode = (typeof WRIT_ERROR_CODES)[number];

/** One problem found in an input, zod-style: where it is and what is wrong. */
export interface WritIssue {
  /** Where in the input, e.g. `artifacts.ttlSeconds` or `$.keys[0]`; `(root)` for the whole. */
  readonly path: string;
  /** What is wrong there. */
  readonly message: string;
}

/**
 * The one base class for Writ failures. `code` is stable API; `issues` lists every
 * problem when there were several (invalid input), so a caller can print them all.
 */
export class WritError extends Error {
  /** Always `WritError`, as stack traces and logs print it. */
  override readonly name = 'WritError';
  /** What failed: stable API, unlike the message. */
  readonly code: WritErrorCode;
  /** Every problem found, when there were several (invalid input); otherwise empty. */
  readonly issues: readonly WritIssue[];
  /** Plain-JSON facts about the failure worth recording (e.g. the policy version of a denial). */
  readonly facts: Readonly<Record<string, unknown>>;

  /** `facts` are recorded with the failure at the Temporal boundary; `cause` keeps the underlying error. */
  constructor(
    code: WritErrorCode,
    message: string,
    options: { issues?: readonly WritIssue[]; facts?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.facts = options.facts ?? {};
  }
}

/** True when `value` is a WritError, optionally with the given code. */
export function isWritError(value: unknown, code?: WritErrorCode): value is WritError {
  return value instanceof WritError && (code === undefined || value.code === code);
}
