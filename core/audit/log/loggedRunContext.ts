import type { ArtifactClaims } from '../../artifact/claims';
import type { DenialClaims } from '../../log/entries/denialClaims';
import type { ReceiptClaims } from '../../receipt/receiptClaims';
import type { AuditSettings } from '../checks/runContext';
import type { AuditKeySet } from '../keys/auditKeySet';
import type { IdentityTrust } from '../operators/identityTrust';
import type { Finding, FindingCode } from '../types';
import type { LoggedEvidence } from './readLoggedEvidence';

/** A logged artifact whose signature and claims verified. */
export interface VerifiedLoggedArtifact {
  readonly logged: LoggedEvidence;
  readonly claims: ArtifactClaims;
  /** `sha256:<hex>` of the artifact. */
  readonly digest: string;
}

/** A logged receipt whose signature and claims verified. */
export interface VerifiedLoggedReceipt {
  readonly logged: LoggedEvidence;
  readonly claims: ReceiptClaims;
}

/** A logged denial record whose signature and claims verified. */
export interface VerifiedLoggedDenial {
  readonly logged: LoggedEvidence;
  readonly claims: DenialClaims;
}

/** A logged approval statement that verified, with what it says. */
export interface VerifiedLoggedApproval {
  readonly logged: LoggedEvidence;
  readonly signer: string;
  readonly decision: 'approve' | 'deny';
  /** `sha256:<hex>` of the statement: what an artifact citing it names. */
  readonly statementDigest: string;
  readonly action: string;
  readonly argsDigest: string;
}

/** What the checks of one run from the log read, and where they report. */
export interface LoggedRunContext {
  readonly runId: string;
  /** The run's entries, in log order. */
  readonly entries: readonly LoggedEvidence[];
  readonly keys: AuditKeySet;
  readonly identity: IdentityTrust | null;
  readonly settings: AuditSettings;
  /** The namespace the runs must have run in, when the auditor names it. */
  readonly namespace: string | null;
  readonly findings: Finding[];
  readonly notes: string[];
  readonly keysUsed: Set<string>;
  /** Filled by the checks, in log order. */
  readonly artifacts: VerifiedLoggedArtifact[];
  readonly receipts: VerifiedLoggedReceipt[];
  readonly denials: VerifiedLoggedDenial[];
  readonly approvals: VerifiedLoggedApproval[];
  /** The run's workflow id, once signed evidence named it. */
  workflowId: string | null;
  workflowType: string | null;
}

/**
 * Records a finding about log entry `index` (null: about the run as a whole). Findings from
 * the log have no history event; the entry's index is in `logIndex` and in the words.
 */
export function reportLogged(context: LoggedRunContext, code: FindingCode, index: number | null, expected: string, found: string, message: string): void {
  context.findings.push({
    code,
    workflowId: context.workflowId ?? '(unknown)',
    runId: context.runId,
    eventId: null,
    logIndex: index,
    expected,
    found,
    message,
  });
}
