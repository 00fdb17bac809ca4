import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { WritError } from '../errors/writError';

/** The SQLite handle type the example stores share. */
export type StoreDatabase = Database.Database;

/** What a store needs created in a fresh file, and how it recognises its own files. */
export interface StoreSchema {
  /** Names the kind of store; a file made by one kind is refused by every other. */
  readonly kind: string;
  /** Bumped when `ddl` changes incompatibly; a file of another version is refused. */
  readonly version: number;
  /** Statements that create the store's tables in an empty file. */
  readonly ddl: string;
}

/**
 * How long a connection waits for another one's write lock before failing. A worker
 * killed mid-transaction and its replacement, or two workers on one queue, contend for
 * the same file; a few seconds covers any transaction these stores run.
 */
export const STORE_BUSY_TIMEOUT_MS = 10_000;

const META_DDL = `
  CREATE TABLE IF NOT EXISTS writ_store (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    kind TEXT NOT NULL,
    version INTEGER NOT NULL
  ) STRICT;
`;

/**
 * Switching a fresh file to WAL needs a moment of exclusive access, and SQLite answers
 * SQLITE_BUSY at once (the busy timeout does not apply) when another process is opening
 * the same file: retried within the same bound as every other wait on the store.
 */
function switchToWal(db: StoreDatabase): unknown {
  const deadline = Date.now() + STORE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      return db.pragma('journal_mode = WAL', { simple: true });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/**
 * Opens (creating if needed) the SQLite file behind an example store: WAL journal so
 * readers never block the writer, a busy timeout so several processes can share the
 * file, full fsync on commit so a recorded side effect survives a crash, and foreign
 * keys on. The store's tables are created inside an IMMEDIATE transaction, so processes
 * racing to initialise one fresh file create them once. A file that is not SQLite, or
 * that belongs to another kind or version of store, is refused with `CONFIG_INVALID`
 * rather than written into.
 */
export function openDatabase(file: string, schema: StoreSchema): StoreDatabase {
  mkdirSync(dirname(file), { recursive: true });
  let db: StoreDatabase | undefined;
  try {
    db = new Database(file, { timeout: STORE_BUSY_TIMEOUT_MS });
    const journalMode = switchToWal(db);
    if (journalMode !== 'wal') {
      // An in-memory or read-only database cannot be shared between processes, so the
      // exactly-once guarantees the stores promise would not hold.
      throw new WritError('CONFIG_INVALID', `store ${file} cannot use WAL journaling (got ${String(journalMode)})`);
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    initialise(db, file, schema);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof WritError) throw error;
    throw new WritError('CONFIG_INVALID', `cannot open ${schema.kind} store at ${file}: ${describe(error)}`, {
      cause: error,
    });
  }
}

/** Creates the schema in an empty file, or checks that a used file is this store's. */
function initialise(db: StoreDatabase, file: string, schema: StoreSchema): void {
  db.transaction(() => {
    db.exec(META_DDL);
    const meta = db.prepare('SELECT kind, version FROM writ_store WHERE singleton = 1').get() as
      | { kind: string; version: number }
      | undefined;
    if (meta === undefined) {
      const others = db
        .prepare("SELECT COUNT(*) AS n FROM sqlite_schema WHERE type = 'table' AND name <> 'writ_store'")
        .get() as { n: number };
      if (others.n > 0) {
        // Someone else's database: adding our tables to it would mix two stores' state.
        throw new WritError('CONFIG_INVALID', `${file} is a SQLite file that is not a Writ ${schema.kind} store`);
      }
      db.exec(schema.ddl);
      db.prepare('INSERT INTO writ_store (singleton, kind, version) VALUES (1, ?, ?)').run(schema.kind, schema.version);
      return;
    }
    if (meta.kind !== schema.kind || meta.version !== schema.version) {
      throw new WritError(
        'CONFIG_INVALID',
        `${file} holds a Writ ${meta.kind} store v${meta.version}, not a ${schema.kind} store v${schema.version}`,
      );
    }
  }).immediate();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
