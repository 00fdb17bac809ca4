import type { LogReader } from '../../log/storage/logReader';
import { readVerifiedLog } from '../log/readLoggedEvidence';
import type { EvidenceBundle, EvidenceLogProofs } from './evidenceBundle';
import { parseBundle } from './readBundle';

/**
 * The log's proofs for a bundle's runs: the log's current checkpoint (verified with the
 * reader's log key, its whole contents checked against it, so Writ never exports proofs
 * from a log that does not verify), and every entry whose run is one of the bundle's with
 * its inclusion proof against that checkpoint, checked before it is written.
 */
export async function logProofsFor(runIds: ReadonlySet<string>, reader: LogReader): Promise<EvidenceLogProofs> {
  const log = await readVerifiedLog(reader);
  const entries: EvidenceLogProofs['entries'] = [];
  for (const logged of log.entries) {
    if (logged.entry.runId === null || !runIds.has(logged.entry.runId)) continue;
    const { proof, entry } = await reader.prove(logged.index, log.checkpoint);
    entries.push({ index: logged.index, entry: entry.toString('base64'), proof: proof.proof.map((hash) => hash.toString('base64')) });
  }
  return { checkpoint: log.checkpoint.note, entries };
}

/** The bundle with the log's proofs for its runs added (validated again, as every bundle Writ writes). */
export async function withLogProofs(bundle: EvidenceBundle, reader: LogReader): Promise<EvidenceBundle> {
  return parseBundle({ ...bundle, log: await logProofsFor(new Set(bundle.runs.map((run) => run.runId)), reader) });
}
