import type { temporal } from '@temporalio/proto';
import type { PreverifiedSignatures } from '../../artifact/verify/preverifiedSignatures';
import type { AuditKeySet } from '../keys/auditKeySet';
import type { PolicySetEvidence } from '../evidence/policySetEvidence';
import type { RunRecord } from '../history/runRecord';
import type { Finding, FindingCode } from '../types';

/** One run to audit: its identity as the source names it, and its history. */
export interface AuditRun {
  /** The run's workflow id. */
  readonly workflowId: string;
  /** The run's id. */
  readonly runId: string;
  /** The run's workflow type, which replay looks up in the workflow code. */
  readonly workflowType: string;
  /** The run's full history, as Temporal's client returns it. */
  readonly history: temporal.api.history.v1.IHistory;
}

/** How strictly windows and key periods are judged (validated when the options are given). */
export interface AuditSettings {
  /** Tolerated clock difference, as at the enforcement point (default 5 s). */
  readonly clockSkewSeconds: number;
  /** The longest artifact lifetime accepted, as at the enforcement point (default 900 s). */
  readonly maxLifetimeSeconds: number;
  /** How long after a rotation a worker may still sign with the previous key (default 5 s, its signer cache). */
  readonly keyRotationGraceSeconds: number;
  /** How old an operator statement may be when its update arrives, as at the workers (default 300 s). */
  readonly statementMaxAgeSeconds: number;
}

/** What every check of one run reads, and where it reports. */
export interface RunContext {
  readonly run: AuditRun;
  readonly namespace: string;
  readonly record: RunRecord;
  readonly keys: AuditKeySet;
  readonly policySets: ReadonlyMap<string, PolicySetEvidence>;
  readonly settings: AuditSettings;
  readonly exemptActivities: ReadonlySet<string>;
  readonly findings: Finding[];
  readonly notes: string[];
  /** Kids whose signatures this run's verdict rests on. */
  readonly keysUsed: Set<string>;
  /** Signatures already verified on worker threads, which the checks need not verify again. */
  readonly signatures?: PreverifiedSignatures;
}

/** Records a finding on the run: where (event id), what was expected, what was found. */
export function report(context: RunContext, code: FindingCode, eventId: number | null, expected: string, found: string, message: string): void {
  context.findings.push({ code, workflowId: context.run.workflowId, runId: context.run.runId, eventId, expected, found, message });
}
