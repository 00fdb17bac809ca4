import { decodeJwt } from 'jose';
import { z } from 'zod';
import { sha256Digest } from '../../canonical/digest';
import { WritError } from '../../errors/writError';
import type { LogReader, PublishedCheckpoint } from '../../log/storage/logReader';
import { AuditError } from '../auditError';
import { policySetDigest, PolicySetEvidenceSchema, type PolicySetEvidence } from '../evidence/policySetEvidence';
import { checkLoggedPolicySets } from './checkLoggedPolicySets';
import { checkLoggedRevocations } from './checkLoggedRevocations';
import { auditLogReader, type AuditLogSource } from './auditLogTrust';
import type { IdentityEvidence } from '../evidence/identityEvidence';
import { AuditKeySet } from '../keys/auditKeySet';
import { IdentityTrust } from '../operators/identityTrust';
import { buildLoggedSteps } from './buildLoggedSteps';
import { checkLoggedApprovals } from './checkLoggedApprovals';
import { checkLoggedArtifacts } from './checkLoggedArtifacts';
import { checkLoggedDenials } from './checkLoggedDenials';
import { checkLoggedLineage } from './checkLoggedLineage';
import { checkLoggedReceipts } from './checkLoggedReceipts';
import type { LoggedRunContext } from './loggedRunContext';
import type { LogAuditVerdict, LoggedRunVerdict } from './logVerdict';
import { readVerifiedLog, type LoggedEvidence } from './readLoggedEvidence';

/** Which runs to audit from the log: every run of these workflow ids, and these runs. */
export interface LogRunSelection {
  /** Every run whose signed evidence names one of these workflow ids. */
  readonly workflowIds?: readonly string[];
  /** These runs. */
  readonly runIds?: readonly string[];
}

/** Options of `verifyFromLog`. */
export interface VerifyFromLogOptions {
  /** The log (a directory or a URL) and the log key (and witnesses) the auditor trusts. */
  readonly log: AuditLogSource;
  /** The runs to audit. */
  readonly selection: LogRunSelection;
  /** The authorization and receipt keys the auditor trusts, with their signing periods. */
  readonly keys: AuditKeySet;
  /** The identity provider that signed operator statements; without it approvals are OPERATOR_EVENT_UNVERIFIED. */
  readonly identity?: IdentityEvidence;
  /**
   * The policy sets artifacts may cite (digests recomputed from their text); each artifact's
   * must be one of them. Without them the policy is not checked, and the verdict notes it.
   */
  readonly policySets?: readonly PolicySetEvidence[];
  /** The namespace the runs ran in; every artifact and denial must name it. */
  readonly namespace?: string;
  /** Checkpoints of this log the auditor already holds: the current one must extend each. */
  readonly trustedCheckpoints?: readonly (string | Uint8Array)[];
  /** Tolerated clock difference, as in `verifyHistories` (default 5 s). */
  readonly clockSkewSeconds?: number;
  /** The longest artifact lifetime accepted (default 900 s). */
  readonly maxLifetimeSeconds?: number;
  /** How long after a rotation the previous key may still sign (default 5 s). */
  readonly keyRotationGraceSeconds?: number;
}

const seconds = (max: number) => z.number().int().min(0).max(max);
const SettingsSchema = z.object({
  clockSkewSeconds: seconds(300).default(5),
  maxLifetimeSeconds: seconds(86_400).default(900),
  keyRotationGraceSeconds: seconds(3_600).default(5),
  namespace: z.string().min(1).optional(),
  workflowIds: z.array(z.string().min(1)).default([]),
  runIds: z.array(z.string().min(1)).default([]),
});

/**
 * Verifies runs from the evidence log alone, as after Temporal has deleted their history:
 * `readVerifiedLog` (the checkpoint against the auditor's log key, consistency with the
 * checkpoints the auditor holds, every entry and tile against its root), `selectRuns`
 * (the runs whose signed evidence names the workflow ids, and the run ids asked for;
 * AUDIT_SOURCE_UNAVAILABLE when the log holds none), then for each run `proveEntries`
 * (each entry's inclusion proof against the verified root, its bytes those read), and the
 * checks: artifacts, denials, the lineage chain, receipts, approvals, revocations, the policy
 * sets cited.
 * Trusts nothing but the log key, the key set, the identity provider and policy sets given. `passed` only without findings.
 */
export async function verifyFromLog(options: VerifyFromLogOptions): Promise<LogAuditVerdict> {
  if (!(options.keys instanceof AuditKeySet)) throw new AuditError('AUDIT_OPTIONS_INVALID', 'keys must be an AuditKeySet (AuditKeySet.fromEvidence or fromKeyRecords)');
  const { log: _log, policySets: _sets, ...settingsGiven } = options;
  const parsed = SettingsSchema.safeParse({ ...settingsGiven, ...options.selection });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new AuditError('AUDIT_OPTIONS_INVALID', `audit options are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  const settings = parsed.data;
  if (settings.workflowIds.length === 0 && settings.runIds.length === 0) throw new AuditError('AUDIT_OPTIONS_INVALID', 'name the runs to audit from the log: workflow ids or run ids');
  const identity = options.identity === undefined ? null : IdentityTrust.fromEvidence(options.identity);
  const policySets = options.policySets === undefined ? null : policySetsByDigest(options.policySets);

  const reader = auditLogReader(options.log);
  const log = await readVerifiedLog(reader, options.trustedCheckpoints ?? []);
  const runs = selectRuns(log.entries, settings.workflowIds, settings.runIds);
  const loggedArtifacts = new Set(log.entries.filter((logged) => logged.entry.kind === 'artifact').map((logged) => sha256Digest(logged.entry.evidence)));
  const verdicts: LoggedRunVerdict[] = [];
  const counts = { entriesProven: 0, artifactsVerified: 0, receiptsVerified: 0, denialsVerified: 0, approvalsVerified: 0 };
  const keysUsed = new Set<string>();
  for (const run of runs) {
    counts.entriesProven += await proveEntries(reader, log.checkpoint, run.entries);
    const context: LoggedRunContext = {
      runId: run.runId,
      entries: run.entries,
      keys: options.keys,
      identity,
      settings: { clockSkewSeconds: settings.clockSkewSeconds, maxLifetimeSeconds: settings.maxLifetimeSeconds, keyRotationGraceSeconds: settings.keyRotationGraceSeconds, statementMaxAgeSeconds: 300 },
      namespace: settings.namespace ?? null,
      findings: [],
      notes: [],
      keysUsed,
      artifacts: [],
      receipts: [],
      denials: [],
      approvals: [],
      workflowId: run.workflowId,
      workflowType: null,
    };
    await checkLoggedArtifacts(context);
    checkLoggedDenials(context);
    checkLoggedLineage(context, loggedArtifacts);
    await checkLoggedReceipts(context);
    await checkLoggedApprovals(context);
    await checkLoggedRevocations(context);
    if (policySets !== null) checkLoggedPolicySets(context, policySets);
    else context.notes.push('no policy sets given: the policy each artifact cites is not checked');
    if (settings.namespace === undefined) context.notes.push('no namespace given: the namespace the artifacts name is not checked');
    counts.artifactsVerified += context.artifacts.length;
    counts.receiptsVerified += context.receipts.length;
    counts.denialsVerified += context.denials.length;
    counts.approvalsVerified += context.approvals.length;
    verdicts.push({
      workflowId: context.workflowId ?? '(unknown)',
      runId: run.runId,
      workflowType: context.workflowType,
      steps: buildLoggedSteps(context),
      findings: context.findings,
      notes: context.notes,
    });
  }
  const findings = verdicts.reduce((total, verdict) => total + verdict.findings.length, 0);
  const { origin, size, root } = log.checkpoint.verified.checkpoint;
  return {
    passed: findings === 0,
    checkpoint: { origin, size, root: root.toString('base64'), witnesses: log.checkpoint.verified.witnesses.map((witness) => witness.name) },
    runs: verdicts,
    ...counts,
    findings,
    keysUsed: [...keysUsed].sort(),
  };
}

interface SelectedRun {
  readonly runId: string;
  /** The workflow id asked for, when the run was selected by it. */
  readonly workflowId: string | null;
  readonly entries: LoggedEvidence[];
}

/**
 * The runs to audit, in log order of their first entry: those whose artifacts, denial records
 * or approval statements name one of `workflowIds` (read unverified here to find them; the
 * checks then verify every entry and hold the run to that workflow id), and `runIds`.
 */
function selectRuns(entries: readonly LoggedEvidence[], workflowIds: readonly string[], runIds: readonly string[]): SelectedRun[] {
  const wanted = new Map<string, string | null>(runIds.map((runId) => [runId, null]));
  const asked = new Set(workflowIds);
  for (const { entry } of entries) {
    if (entry.runId === null || wanted.get(entry.runId) !== undefined) continue;
    const named = claimedWorkflowId(entry.kind, entry.evidence);
    if (named !== null && asked.has(named)) wanted.set(entry.runId, named);
  }
  const runs = new Map<string, SelectedRun>();
  for (const logged of entries) {
    const runId = logged.entry.runId;
    if (runId === null || !wanted.has(runId)) continue;
    let run = runs.get(runId);
    if (run === undefined) runs.set(runId, (run = { runId, workflowId: wanted.get(runId) ?? null, entries: [] }));
    run.entries.push(logged);
  }
  const missing = [...workflowIds.filter((id) => ![...runs.values()].some((run) => run.workflowId === id)), ...runIds.filter((id) => !runs.has(id))];
  if (missing.length > 0) throw new AuditError('AUDIT_SOURCE_UNAVAILABLE', `the log holds no evidence of ${missing.join(', ')}`);
  return [...runs.values()];
}

/** The policy sets by digest, each digest recomputed from the set's text (EVIDENCE_INVALID when it differs). */
function policySetsByDigest(sets: readonly PolicySetEvidence[]): Map<string, PolicySetEvidence> {
  const byDigest = new Map<string, PolicySetEvidence>();
  sets.forEach((candidate, index) => {
    const set = PolicySetEvidenceSchema.safeParse(candidate);
    if (!set.success) throw new AuditError('EVIDENCE_INVALID', `policy set ${index} is malformed`, { issues: set.error.issues.map((i) => ({ path: `policySets.${index}.${i.path.join('.')}`, message: i.message })) });
    const digest = policySetDigest(set.data);
    if (digest !== set.data.digest) throw new AuditError('EVIDENCE_INVALID', `policy set ${set.data.id}@${set.data.version} says digest ${set.data.digest}, but its content hashes to ${digest}`);
    byDigest.set(digest, set.data);
  });
  return byDigest;
}

function claimedWorkflowId(kind: string, token: string): string | null {
  try {
    const payload = decodeJwt(token) as { writ?: { runtime?: { workflowId?: unknown } }; writ_statement?: { workflowId?: unknown } };
    const named = kind === 'approval' ? payload.writ_statement?.workflowId : payload.writ?.runtime?.workflowId;
    return typeof named === 'string' ? named : null;
  } catch {
    return null;
  }
}

/**
 * Proves each entry included under the verified checkpoint with its own RFC 9162 inclusion
 * proof, computed from the tiles and checked against the checkpoint's root, and that the
 * bytes proven are the bytes the checks read: a log that changes while it is read is
 * LOG_CORRUPT, and the audit stops.
 */
async function proveEntries(reader: LogReader, checkpoint: PublishedCheckpoint, entries: readonly LoggedEvidence[]): Promise<number> {
  for (const logged of entries) {
    const { entry } = await reader.prove(logged.index, checkpoint);
    if (!entry.equals(logged.bytes)) throw new WritError('LOG_CORRUPT', `entry ${logged.index} changed while the log was read`);
  }
  return entries.length;
}
