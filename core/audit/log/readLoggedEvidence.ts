import { decodeEvidenceEntry, type EvidenceEntry } from '../../log/entries/evidenceEntry';
import type { LogReader, PublishedCheckpoint } from '../../log/storage/logReader';
import { readBundleAt } from '../../log/storage/readEdge';
import { verifyLogContents } from '../../log/storage/verifyLogContents';
import { TILE_WIDTH } from '../../log/tiles/tilePath';

/** One entry of the log, with where it is and its exact bytes. */
export interface LoggedEvidence {
  /** The entry's index in the log. */
  readonly index: number;
  /** The entry's envelope, decoded strictly. */
  readonly entry: EvidenceEntry;
  /** The entry exactly as logged (its leaf hash is over these). */
  readonly bytes: Buffer;
}

/** The log as an auditor reads it: a checkpoint verified with the auditor's key, and every entry under it. */
export interface VerifiedLog {
  readonly checkpoint: PublishedCheckpoint;
  readonly entries: readonly LoggedEvidence[];
}

/**
 * Reads the log an audit rests on, trusting only the auditor's log key: `checkCheckpoint`
 * (the log's current checkpoint, verified: signature, origin, witness quorum), then
 * `checkConsistency` with every checkpoint the auditor already holds (saved earlier, or a
 * witness's): a checkpoint of another history for the same size, or a smaller log than
 * one seen before, is LOG_CHECKPOINT_INCONSISTENT or LOG_CHECKPOINT_OLDER), then
 * `checkContents` (every entry a Writ evidence entry, every tile, and the root, against the
 * checkpoint: a deleted or altered entry or a rewritten tile is LOG_CORRUPT or
 * LOG_ENTRY_INVALID), then `readEntries`. Throws WritError: an audit cannot rest on a log
 * that does not verify.
 */
export async function readVerifiedLog(reader: LogReader, trustedCheckpoints: readonly (string | Uint8Array)[] = []): Promise<VerifiedLog> {
  const checkpoint = await checkCheckpoint(reader);
  await checkConsistency(reader, checkpoint, trustedCheckpoints);
  await checkContents(reader, checkpoint);
  return { checkpoint, entries: await readEntries(reader, checkpoint.verified.checkpoint.size) };
}

async function checkCheckpoint(reader: LogReader): Promise<PublishedCheckpoint> {
  return reader.latest();
}

async function checkConsistency(reader: LogReader, latest: PublishedCheckpoint, trusted: readonly (string | Uint8Array)[]): Promise<void> {
  for (const note of trusted) await reader.consistency(reader.verify(note), latest);
}

async function checkContents(reader: LogReader, checkpoint: PublishedCheckpoint): Promise<void> {
  await verifyLogContents(reader, checkpoint);
}

async function readEntries(reader: LogReader, size: number): Promise<LoggedEvidence[]> {
  const entries: LoggedEvidence[] = [];
  for (let bundle = 0; bundle * TILE_WIDTH < size; bundle += 1) {
    const bytes = await readBundleAt(reader.storage, size, bundle);
    bytes.forEach((entry, i) => entries.push({ index: bundle * TILE_WIDTH + i, entry: decodeEvidenceEntry(entry), bytes: entry }));
  }
  return entries;
}
