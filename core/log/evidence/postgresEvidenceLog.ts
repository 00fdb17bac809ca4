import { WritError } from '../../errors/writError';
import type { PostgresLogSequencer } from '../sequencer/postgresLogSequencer';
import type { AppendResult, LogDirectory } from '../storage/logDirectory';
import { BatchingEvidenceLog, type BatchingOptions } from './batchingEvidenceLog';
import type { EvidenceLog, LoggedEntry } from './evidenceLog';
import type { EvidenceEntry } from '../entries/evidenceEntry';

/** When checkpoints are published, and what happened to the last scheduled one. */
export interface CheckpointSchedule {
  /** How often a checkpoint is published when the log grew, in ms. */
  readonly intervalMs: number;
  /** Told of a scheduled integration that failed (the next tick tries again). */
  readonly onError?: (error: unknown) => void;
}

/**
 * An evidence log sequenced in PostgreSQL and integrated into a log directory, for many
 * hosts appending to one log. An append resolves once PostgreSQL committed its index (the
 * write-ahead point: the permit is returned only then); every `intervalMs` the log
 * integrates what was sequenced, when it grew, if no other host is integrating, and
 * publishes a checkpoint covering it; `checkpoint()` does so on demand, waiting for the
 * integration lock. Concurrent appends are batched as for a directory log.
 */
export class PostgresEvidenceLog implements EvidenceLog {
  readonly enabled = true;
  readonly #batcher: BatchingEvidenceLog;
  readonly #sequencer: PostgresLogSequencer;
  readonly #directory: LogDirectory;
  readonly #timer: NodeJS.Timeout;
  readonly #onError: (error: unknown) => void;
  #integrating: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(sequencer: PostgresLogSequencer, directory: LogDirectory, batching: Partial<BatchingOptions>, schedule: CheckpointSchedule) {
    this.#sequencer = sequencer;
    this.#directory = directory;
    this.#onError = schedule.onError ?? (() => undefined);
    this.#batcher = new BatchingEvidenceLog((entries) => sequencer.sequence(directory.origin, entries), () => undefined, batching);
    this.#timer = setInterval(() => void this.#tick(), schedule.intervalMs);
    // A scheduled checkpoint must not keep a process alive that has nothing else to do.
    this.#timer.unref();
  }

  /** Sequences `entry` in PostgreSQL; resolves with its index once committed. */
  append(entry: EvidenceEntry): Promise<LoggedEntry> {
    return this.#batcher.append(entry);
  }

  /**
   * Integrates everything sequenced so far and resolves with the checkpoint published
   * (`writ log checkpoint`): waits for another host's integration to end first.
   */
  checkpoint(): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new WritError('EVIDENCE_LOG_UNAVAILABLE', 'the evidence log is closed'));
    return this.#serialized(async () => (await this.#sequencer.integrate(this.#directory, { wait: true }))!);
  }

  /** Sequences what is pending, integrates once more (best effort: another host completes it otherwise), then lets go. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#batcher.close();
    await this.#serialized(() => this.#sequencer.integrate(this.#directory, { wait: false })).catch((error: unknown) => this.#onError(error));
    this.#directory.close();
    await this.#sequencer.close();
  }

  /** One scheduled integration: only when the log grew past the published checkpoint. */
  async #tick(): Promise<void> {
    try {
      await this.#serialized(async () => {
        if (this.#closed || (await this.#sequencer.sequenced()) <= this.#directory.size) return;
        await this.#sequencer.integrate(this.#directory, { wait: false });
      });
    } catch (error) {
      this.#onError(error);
    }
  }

  /** Integrations of this process one at a time (each also takes the fleet-wide lock). */
  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#integrating.then(work);
    this.#integrating = run.catch(() => undefined);
    return run;
  }
}
