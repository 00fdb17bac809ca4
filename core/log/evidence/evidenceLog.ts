import type { EvidenceEntry } from '../entries/evidenceEntry';

/** Where an entry was sequenced: its index in the log, or null when the log is turned off. */
export interface LoggedEntry {
  /** The entry's index in the log (its leaf number), or null when the log is turned off. */
  readonly index: number | null;
}

/**
 * Where the governed step writes its evidence ahead of acting. `append` resolves only once
 * the entry is durably sequenced (a checkpoint covering it is on disk) and rejects with a
 * WritError otherwise, in which case nothing of it is acknowledged.
 */
export interface EvidenceLog {
  /** False only for NO_EVIDENCE_LOG (configuration `{ kind: 'off' }`). */
  readonly enabled: boolean;
  /** Sequences `entry` durably; resolves with its index. */
  append(entry: EvidenceEntry): Promise<LoggedEntry>;
  /** Writes what is pending, then lets the log go. */
  close(): Promise<void>;
}

/**
 * The log turned off (`evidenceLog: { kind: 'off' }`): every append resolves at once with
 * no index. Evidence then lives only in Temporal history, and is gone with it.
 */
export const NO_EVIDENCE_LOG: EvidenceLog = Object.freeze({
  enabled: false,
  append: () => Promise.resolve({ index: null }),
  close: () => Promise.resolve(),
});
