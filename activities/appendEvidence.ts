import { isWritError, WritError } from '../core/errors/writError';
import type { EvidenceEntry } from '../core/log/entries/evidenceEntry';
import type { LoggedEntry } from '../core/log/evidence/evidenceLog';
import type { GovernanceDeps } from './governanceDeps';

/**
 * Sequences one entry in the evidence log and resolves once it is durable. Whatever keeps
 * the log from taking it (another writer holding the lock too long, a failed or refused
 * write, a full disk, a corrupt directory, an entry it cannot hold) is
 * EVIDENCE_LOG_UNAVAILABLE, the log's own code kept in `facts.logCode`: the step that
 * needed the entry does not go on.
 */
export async function appendEvidence(deps: Pick<GovernanceDeps, 'evidenceLog'>, entry: EvidenceEntry): Promise<LoggedEntry> {
  try {
    return await deps.evidenceLog.append(entry);
  } catch (error) {
    const logCode = isWritError(error) ? error.code : null;
    const why = isWritError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    throw new WritError('EVIDENCE_LOG_UNAVAILABLE', `the evidence log did not take the ${entry.kind} entry of run ${entry.runId ?? '-'} step ${entry.stepId ?? '-'} (${why})`, {
      facts: { kind: entry.kind, runId: entry.runId, stepId: entry.stepId, logCode },
      cause: error,
    });
  }
}
