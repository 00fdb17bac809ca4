// The auditor's vocabulary for audits that read the evidence log rather than (or beside)
// history: what was found in the log for each run, and the verdict on it.
import type { Finding } from '../types';

/** The checkpoint an audit of the log rests on, as verified with the auditor's log key. */
export interface LogAuditCheckpoint {
  /** The log's origin line. */
  readonly origin: string;
  /** How many entries the checkpoint commits to. */
  readonly size: number;
  /** Its root hash, base64. */
  readonly root: string;
  /** Witnesses whose cosignatures verified. */
  readonly witnesses: readonly string[];
}

/** A governed step as the log alone establishes it. */
export interface LoggedStep {
  /** The governed step's id, stable across its re-authorizations. */
  readonly stepId: string;
  /** The governed action's name, from the signed artifact or denial record. */
  readonly action: string | null;
  /** `permit` when an artifact verified, `deny` when only a denial record did. */
  readonly decision: 'permit' | 'deny' | 'pending';
  /** The code a denied step was refused with, from its signed denial record. */
  readonly denialCode: string | null;
  /** Who the step ran for, from the signed evidence. */
  readonly principal: string | null;
  /** The policy set it was decided under. */
  readonly policySetId: string | null;
  /** That policy set's version. */
  readonly policyVersion: string | null;
  /** The `jti` of the last artifact of the step, or null. */
  readonly artifactId: string | null;
  /** `sha256:<hex>` of that artifact: the link the next step's lineage names. */
  readonly artifactDigest: string | null;
  /** Approvers the artifact cites, each found in the log and verified. */
  readonly approvers: readonly string[];
  /** How the action ended, by its receipt: `pending` when an artifact has no receipt in the log. */
  readonly outcome: 'completed' | 'failed' | 'not-scheduled' | 'pending';
  /** The step's place in the run's hash chain, from its artifact. */
  readonly lineage: { readonly sequence: number; readonly previous: string | null; readonly parent: string | null } | null;
  /** Indices of the step's entries in the log, in log order. */
  readonly logIndices: readonly number[];
}

/** The verdict on one run, from the log. */
export interface LoggedRunVerdict {
  /** The run's workflow id, as its signed evidence names it. */
  readonly workflowId: string;
  /** The run's id. */
  readonly runId: string;
  /** The workflow type its artifacts name, or null when none verified. */
  readonly workflowType: string | null;
  /** Its governed steps, in log order. */
  readonly steps: readonly LoggedStep[];
  /** Everything found wrong; empty when it passed. */
  readonly findings: readonly Finding[];
  /** What could not be checked and why (never a finding). */
  readonly notes: readonly string[];
}

/** The verdict on an audit from the log: passed only when no run has any finding. */
export interface LogAuditVerdict {
  /** True only when no run has any finding. */
  readonly passed: boolean;
  /** The verified checkpoint every entry was proven included under. */
  readonly checkpoint: LogAuditCheckpoint;
  /** The verdict on each run. */
  readonly runs: readonly LoggedRunVerdict[];
  /** Entries of the runs proven included under the checkpoint. */
  readonly entriesProven: number;
  /** Artifacts whose signature, claims and key period verified. */
  readonly artifactsVerified: number;
  /** Receipts whose signature and bindings verified. */
  readonly receiptsVerified: number;
  /** Denial records whose signature and claims verified. */
  readonly denialsVerified: number;
  /** Approval statements that verified with the identity provider's keys. */
  readonly approvalsVerified: number;
  /** How many findings the runs have in all. */
  readonly findings: number;
  /** Key ids whose signatures the verdict rests on. */
  readonly keysUsed: readonly string[];
}
