import type { WritIssue } from '../errors/writError';

/**
 * Why an audit could not run at all (as opposed to a finding, which is what an audit that
 * ran discovered). Stable codes, like WritError's; the CLI exits 2 with them.
 */
export const AUDIT_ERROR_CODES = [
  /** The evidence bundle cannot be read or is not JSON. */
  'EVIDENCE_UNREADABLE',
  /** The evidence bundle does not match the format, or contradicts itself. */
  'EVIDENCE_INVALID',
  /** The runs to audit cannot be fetched: no such workflow, a query that fails, no server. */
  'AUDIT_SOURCE_UNAVAILABLE',
  /** Options given to the verifier or exporter are invalid. */
  'AUDIT_OPTIONS_INVALID',
] as const;

/** One audit error code. */
export type AuditErrorCode = (typeof AUDIT_ERROR_CODES)[number];

/** An audit that could not run: a stable code and, for invalid evidence, every issue. */
export class AuditError extends Error {
  /** Always `AuditError`, as stack traces and logs print it. */
  override readonly name = 'AuditError';
  /** Why the audit could not run: stable, unlike the message. */
  readonly code: AuditErrorCode;
  /** Every problem found in the evidence or options, when there were several. */
  readonly issues: readonly WritIssue[];

  /** `issues` lists each problem of invalid input; `cause` keeps the underlying error. */
  constructor(code: AuditErrorCode, message: string, options: { issues?: readonly WritIssue[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/** True when `value` is an AuditError, optionally with the given code. */
export function isAuditError(value: unknown, code?: AuditErrorCode): value is AuditError {
  return value instanceof AuditError && (code === undefined || value.code === code);
}
