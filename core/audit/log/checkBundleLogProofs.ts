import type { temporal } from '@temporalio/proto';
import { sha256Digest } from '../../canonical/digest';
import type { CheckpointVerifier } from '../../log/checkpoint/checkpointVerifier';
import { encodeEvidenceEntry, decodeEvidenceEntry, type EvidenceEntry } from '../../log/entries/evidenceEntry';
import { leafHash } from '../../log/merkle/hashes';
import { verifyInclusion } from '../../log/merkle/verifyInclusion';
import { actionOutcome, authorizationResult, governedStepsFromHistory } from '../../history/governedSteps';
import { VERIFY_APPROVAL_ACTIVITY } from '../../protocol/operatorContract';
import type { EvidenceLogProofs } from '../evidence/evidenceBundle';
import type { AuditRun } from '../checks/runContext';
import type { Finding, FindingCode } from '../types';

/** One piece of evidence history holds, as the log must hold it. */
interface HistoryEvidence {
  readonly eventId: number;
  readonly entry: EvidenceEntry;
}

/** A bundle entry whose inclusion proof verified against the auditor's checkpoint. */
interface ProvenEntry {
  readonly index: number;
  readonly bytes: Buffer;
  readonly entry: EvidenceEntry | null;
}

/**
 * Checks a bundle's log proofs against its histories, trusting only `checkpoints` (the
 * auditor's log key and witnesses): `checkCheckpoint` (the bundle's checkpoint must verify;
 * a WritError otherwise, since no proof can be judged without it), `checkProofs` (each
 * entry's inclusion proof against the size and root of that verified checkpoint, never the
 * bundle's say-so: LOG_INCLUSION_INVALID), then for every artifact, approval statement and
 * receipt in each run's history, `checkLogged`: the entry Writ would have logged for it, byte
 * for byte, must be one that was proven (EVIDENCE_NOT_LOGGED; LOG_ENTRY_MISMATCH when the
 * log holds the evidence under another run, step or kind). A bundle with no proofs has every
 * piece of evidence not logged. Returns the findings by run id, and each proven artifact's index.
 */
export function checkBundleLogProofs(runs: readonly AuditRun[], proofs: EvidenceLogProofs | undefined, checkpoints: CheckpointVerifier): BundleLogCheck {
  const findings = new Map<string, Finding[]>(runs.map((run) => [run.runId, []]));
  const report = (run: AuditRun, code: FindingCode, eventId: number | null, logIndex: number | null, expected: string, found: string, message: string) =>
    findings.get(run.runId)?.push({ code, workflowId: run.workflowId, runId: run.runId, eventId, logIndex, expected, found, message });
  const proven = proofs === undefined ? [] : checkProofs(proofs, checkpoints, runs, report);
  const byBytes = new Map(proven.map((entry) => [entry.bytes.toString('base64'), entry]));
  const byEvidence = new Map(proven.flatMap((entry) => (entry.entry === null ? [] : [[entry.entry.evidence, entry] as const])));
  for (const run of runs) {
    for (const evidence of historyEvidence(run.history, run.runId)) {
      const bytes = encodeEvidenceEntry(evidence.entry).toString('base64');
      if (byBytes.has(bytes)) continue;
      const elsewhere = byEvidence.get(evidence.entry.evidence);
      if (elsewhere !== undefined) {
        report(run, 'LOG_ENTRY_MISMATCH', evidence.eventId, elsewhere.index, `the ${evidence.entry.kind} of run ${run.runId} step ${evidence.entry.stepId} logged as such`, `logged as ${elsewhere.entry!.kind} of run ${elsewhere.entry!.runId} step ${elsewhere.entry!.stepId}`, 'the log holds this evidence as something else');
      } else {
        report(run, 'EVIDENCE_NOT_LOGGED', evidence.eventId, null, `the ${evidence.entry.kind} recorded at event ${evidence.eventId} in the evidence log, proven under its checkpoint`, proofs === undefined ? 'a bundle without log proofs' : 'no proven entry holds it', `the ${evidence.entry.kind} in history is not in the evidence log`);
      }
    }
  }
  const artifacts = new Map(proven.flatMap((entry) => (entry.entry?.kind === 'artifact' ? [[sha256Digest(entry.entry.evidence), entry.index] as const] : [])));
  return { findings, artifacts };
}

/** What checking a bundle's log proofs found: findings by run id, and where each proven artifact is. */
export interface BundleLogCheck {
  readonly findings: ReadonlyMap<string, readonly Finding[]>;
  /** The log index of each artifact proven, by its `sha256:` digest. */
  readonly artifacts: ReadonlyMap<string, number>;
}

type Report = (run: AuditRun, code: FindingCode, eventId: number | null, logIndex: number | null, expected: string, found: string, message: string) => void;

function checkProofs(proofs: EvidenceLogProofs, checkpoints: CheckpointVerifier, runs: readonly AuditRun[], report: Report): ProvenEntry[] {
  const { size, root } = checkpoints.verify(proofs.checkpoint).checkpoint;
  const proven: ProvenEntry[] = [];
  for (const candidate of proofs.entries) {
    const bytes = Buffer.from(candidate.entry, 'base64');
    let entry: EvidenceEntry | null = null;
    try {
      entry = decodeEvidenceEntry(bytes);
    } catch {
      entry = null;
    }
    const run = runs.find((r) => r.runId === entry?.runId) ?? runs[0]!;
    try {
      verifyInclusion(candidate.index, size, leafHash(bytes), candidate.proof.map((hash) => Buffer.from(hash, 'base64')), root);
    } catch (error) {
      report(run, 'LOG_INCLUSION_INVALID', null, candidate.index, `an inclusion proof of entry ${candidate.index} leading to the root of the checkpoint of size ${size}`, (error as Error).message, 'a log proof in the bundle does not verify against the checkpoint');
      continue;
    }
    proven.push({ index: candidate.index, bytes, entry });
  }
  return proven;
}

/**
 * The evidence a run's history holds that the governed step logged ahead of acting: each
 * permit's artifact, each receipt of a completed action, each approval statement
 * `writ.verifyApproval` verified. A history whose payloads cannot be read holds none here
 * (the history checker already reports it malformed).
 */
function historyEvidence(history: temporal.api.history.v1.IHistory, runId: string): HistoryEvidence[] {
  const evidence: HistoryEvidence[] = [];
  let steps;
  try {
    steps = governedStepsFromHistory(history);
  } catch {
    return evidence;
  }
  for (const step of steps) {
    const permit = authorizationResult(step);
    if (permit !== undefined && step.authorization.end.status === 'completed' && typeof permit.artifact === 'string') {
      evidence.push({ eventId: step.authorization.end.eventId, entry: { v: 1, kind: 'artifact', runId, stepId: step.stepId, evidence: permit.artifact } });
    }
    const outcome = actionOutcome(step);
    if (outcome !== undefined && step.execution?.end.status === 'completed' && typeof outcome.writReceipt === 'string') {
      evidence.push({ eventId: step.execution.end.eventId, entry: { v: 1, kind: 'receipt', runId, stepId: step.stepId, evidence: outcome.writReceipt } });
    }
  }
  evidence.push(...approvalStatements(history, runId));
  return evidence.sort((a, b) => a.eventId - b.eventId);
}

function approvalStatements(history: temporal.api.history.v1.IHistory, runId: string): HistoryEvidence[] {
  const scheduled = new Map<number, { statement: unknown; stepId: unknown }>();
  const found: HistoryEvidence[] = [];
  for (const event of history.events ?? []) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === VERIFY_APPROVAL_ACTIVITY) {
      const request = payloadJson(s.input?.payloads?.[0]) as { statement?: unknown; request?: { stepId?: unknown } } | undefined;
      scheduled.set(Number(event.eventId), { statement: request?.statement, stepId: request?.request?.stepId });
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const verified = completed === undefined || completed === null ? undefined : scheduled.get(Number(completed.scheduledEventId));
    if (verified !== undefined && typeof verified.statement === 'string' && typeof verified.stepId === 'string') {
      found.push({ eventId: Number(event.eventId), entry: { v: 1, kind: 'approval', runId, stepId: verified.stepId, evidence: verified.statement } });
    }
  }
  return found;
}

function payloadJson(payload: temporal.api.common.v1.IPayload | null | undefined): unknown {
  if (payload?.data === undefined || payload.data === null) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.data).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
