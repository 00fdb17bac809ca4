import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseSync, isSqliteBusy } from '../../storage/openDatabase';
import { WritError } from '../../errors/writError';
import { LOCK_FILE } from './writerLock';

/** How long to wait between tries for a lock another process holds, in ms. */
const RETRY_MS = 1;

/**
 * The writer lock of a log directory taken for one batch at a time, so that several
 * processes on one host can share the log: each append takes the same kernel lock a
 * lifetime writer (WriterLock) holds, writes, and lets it go. Waiting never blocks the
 * event loop: the lock is tried without SQLite's busy wait, and tried again a moment
 * later, until `timeoutMs` has passed (LOG_LOCKED). A process that dies holding it
 * releases it with its file descriptors.
 */
export class BatchLock {
  readonly #db: InstanceType<typeof DatabaseSync>;
  readonly #what: string;
  #held = false;

  constructor(directory: string, what: string) {
    this.#db = new DatabaseSync(path.join(directory, LOCK_FILE), { timeout: 0 });
    this.#what = `${what} ${directory}`;
  }

  /** Takes the lock, waiting up to `timeoutMs` for the process that holds it; LOG_LOCKED after that. */
  async acquire(timeoutMs: number): Promise<void> {
    if (this.#held) throw new Error('the batch lock is already held by this log');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        this.#db.exec('BEGIN EXCLUSIVE');
        this.#held = true;
        return;
      } catch (error) {
        if (!isSqliteBusy(error)) throw error;
        if (Date.now() >= deadline) throw new WritError('LOG_LOCKED', `another writer held ${this.#what} for more than ${timeoutMs} ms`, { facts: { timeoutMs } });
      }
      await sleep(RETRY_MS);
    }
  }

  /** Lets the lock go (a transaction that wrote nothing, rolled back). */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (this.#db.isOpen) this.#db.exec('ROLLBACK');
  }

  /** Closes the lock file; a lock still held is released with it. */
  close(): void {
    this.#held = false;
    if (this.#db.isOpen) this.#db.close();
  }
}
