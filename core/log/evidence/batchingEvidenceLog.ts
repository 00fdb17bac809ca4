import { WritError } from '../../errors/writError';
import { encodeEvidenceEntry, type EvidenceEntry } from '../entries/evidenceEntry';
import { MAX_APPEND_ENTRIES } from '../storage/removeLeftovers';
import type { EvidenceLog, LoggedEntry } from './evidenceLog';

/** Writes one batch durably and says where each entry went, in order (LogDirectory.append). */
export type BatchAppender = (entries: readonly EvidenceEntry[]) => Promise<{ readonly indices: readonly number[] }>;

/** How appends are grouped into batches. */
export interface BatchingOptions {
  /** How long the first entry of a batch waits for others, in ms (default 2). */
  readonly windowMs: number;
  /** The most entries in one batch (default 256): a full batch is written at once. */
  readonly maxBatchEntries: number;
}

/** A window of a few milliseconds: a lone step barely waits, steps arriving together share a batch. */
export const DEFAULT_BATCHING: BatchingOptions = { windowMs: 2, maxBatchEntries: 256 };

interface Waiting {
  readonly entry: EvidenceEntry;
  readonly resolve: (logged: LoggedEntry) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * An EvidenceLog that groups concurrent appends into batches, so that the durable writes
 * (a few flushes per batch) are shared: an entry waits at most `windowMs` for others, a
 * batch holds at most `maxBatchEntries`, and while one batch is being written the next one
 * gathers, to be written as soon as the first is on disk. Each append resolves only when
 * its own batch is acknowledged; a batch that fails rejects exactly its callers, with the
 * appender's error, and the next batch is tried afresh. An entry that is not valid
 * evidence is refused on its own (LOG_ENTRY_INVALID, LOG_ENTRY_TOO_LARGE), before it can
 * spoil a batch.
 */
export class BatchingEvidenceLog implements EvidenceLog {
  readonly enabled = true;
  readonly #append: BatchAppender;
  readonly #close: () => void | Promise<void>;
  readonly #options: BatchingOptions;
  #pending: Waiting[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #closed = false;

  constructor(append: BatchAppender, close: () => void | Promise<void>, options: Partial<BatchingOptions> = {}) {
    this.#append = append;
    this.#close = close;
    this.#options = { ...DEFAULT_BATCHING, ...options };
    if (!Number.isInteger(this.#options.maxBatchEntries) || this.#options.maxBatchEntries < 1 || this.#options.maxBatchEntries > MAX_APPEND_ENTRIES) {
      throw new RangeError(`maxBatchEntries must be an integer from 1 to ${MAX_APPEND_ENTRIES}`);
    }
    if (!(this.#options.windowMs >= 0)) throw new RangeError('windowMs must not be negative');
  }

  append(entry: EvidenceEntry): Promise<LoggedEntry> {
    return new Promise((resolve, reject) => {
      if (this.#closed) throw new WritError('EVIDENCE_LOG_UNAVAILABLE', 'the evidence log is closed');
      encodeEvidenceEntry(entry);
      this.#pending.push({ entry, resolve, reject });
      this.#schedule();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // What is pending is written before the log goes: its callers are waiting for it.
    while (this.#pending.length > 0 || this.#writing !== undefined) {
      if (this.#writing === undefined) this.#flush();
      await this.#writing;
    }
    await this.#close();
  }

  #schedule(): void {
    if (this.#writing !== undefined) return;
    if (this.#pending.length >= this.#options.maxBatchEntries || this.#options.windowMs === 0) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#options.windowMs);
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#writing !== undefined || this.#pending.length === 0) return;
    const batch = this.#pending.splice(0, this.#options.maxBatchEntries);
    this.#writing = this.#write(batch).finally(() => {
      this.#writing = undefined;
      // What gathered during the write has waited long enough: write it now.
      if (this.#pending.length > 0) this.#flush();
    });
  }

  async #write(batch: readonly Waiting[]): Promise<void> {
    try {
      const { indices } = await this.#append(batch.map((waiting) => waiting.entry));
      batch.forEach((waiting, i) => waiting.resolve({ index: indices[i]! }));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
