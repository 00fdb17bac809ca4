import path from 'node:path';
import { DatabaseSync, isSqliteBusy } from '../../storage/openDatabase';
import { WritError } from '../../errors/writError';

/** The lock file in a log (or witness) directory. Not part of what is served. */
export const LOCK_FILE = '.writer.lock';

/**
 * The one-writer lock of a directory: a kernel lock (SQLite's exclusive lock, held for
 * the writer's lifetime), so it is released when the process ends however it ends, a
 * SIGKILL included, and a restarted writer never finds a stale lock. A second writer,
 * in this process or another, is refused with LOG_LOCKED at once.
 */
export class WriterLock {
  readonly #db: InstanceType<typeof DatabaseSync>;

  private constructor(db: InstanceType<typeof DatabaseSync>) {
    this.#db = db;
  }

  /** Takes the lock of `directory`, which must exist; LOG_LOCKED when another writer holds it. */
  static acquire(directory: string, what: string): WriterLock {
    const file = path.join(directory, LOCK_FILE);
    const db = new DatabaseSync(file, { timeout: 0 });
    try {
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if (isSqliteBusy(error)) throw new WritError('LOG_LOCKED', `another writer holds ${what} ${directory}: one writer per directory`);
      throw error;
    }
    return new WriterLock(db);
  }

  /** Releases the lock. */
  release(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
