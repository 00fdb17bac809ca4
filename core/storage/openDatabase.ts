import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync as SqliteDatabase, SQLOutputValue } from 'node:sqlite';
import { WritError } from '../errors/writError';

/** The SQLite handle type the example stores and the governance store share (`node:sqlite`). */
export type StoreDatabase = SqliteDatabase;

/**
 * A row as node:sqlite returns it: a null-prototype object of column values, INTEGER as
 * number (a value outside the safe-integer range throws rather than losing precision).
 * The stores' row types extend it with the columns they select.
 */
export type StoreRow = Record<string, SQLOutputValue>;

/**
 * Node 22 (and Node 24 before 24.15) emits this ExperimentalWarning once, when `node:sqlite`
 * is first loaded. Writ depends on the module knowingly, so that one warning, and no other,
 * is dropped while the module loads; on a Node that no longer emits it nothing is dropped.
 */
const SQLITE_EXPERIMENTAL_WARNING = 'SQLite is an experimental feature';

function isSqliteExperimentalWarning(warning: string | Error, typeOrOptions: unknown): boolean {
  const message = typeof warning === 'string' ? warning : warning.message;
  const type =
    typeof warning !== 'string' ? warning.name
    : typeof typeOrOptions === 'string' ? typeOrOptions
    : (typeOrOptions as { type?: unknown } | undefined)?.type;
  return type === 'ExperimentalWarning' && message.startsWith(SQLITE_EXPERIMENTAL_WARNING);
}

function loadSqlite(): typeof import('node:sqlite') {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    if (isSqliteExperimentalWarning(warning, rest[0])) return;
    (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return require('node:sqlite') as typeof import('node:sqlite');
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** `node:sqlite`'s database class, loaded without its experimental warning (see above). */
export const { DatabaseSync } = loadSqlite();

/** The version of the SQLite library inside `node:sqlite`, e.g. `3.54.1` (the bench and the soak report it). */
export function sqliteVersion(): string {
  const db = new DatabaseSync(':memory:');
  try {
    return String((db.prepare('SELECT sqlite_version() AS version').get() as { version: unknown }).version);
  } finally {
    db.close();
  }
}

/**
 * A store's schema as the migrations that build it: `migrations[i]` takes a file from
 * version i to version i + 1, so a fresh file runs them all and an older one the rest.
 * Migrations are only ever appended; one already released is never edited.
 */
export interface StoreSchema {
  /** Names the kind of store; a file made by one kind is refused by every other. */
  readonly kind: string;
  /** The statements of each version, oldest first; the store's version is their count. */
  readonly migrations: readonly string[];
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

/** SQLite's primary result code for "database is locked". */
const SQLITE_BUSY = 5;

/**
 * Whether `error` is SQLite's SQLITE_BUSY. node:sqlite throws `ERR_SQLITE_ERROR` with the
 * extended result code in `errcode` (SQLITE_BUSY_RECOVERY is 261, for one), so the primary
 * code is its low byte.
 */
export function isSqliteBusy(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && (errcode & 0xff) === SQLITE_BUSY;
}

/** The value of a one-column PRAGMA, as SQLite reports it. */
export function pragmaValue(db: StoreDatabase, pragma: string): unknown {
  const row = db.prepare(`PRAGMA ${pragma}`).get();
  return row === undefined ? undefined : Object.values(row)[0];
}

/**
 * Switching a fresh file to WAL needs a moment of exclusive access, and SQLite answers
 * SQLITE_BUSY at once (the busy timeout does not apply) when another process is opening
 * the same file: retried within the same bound as every other wait on the store.
 */
function switchToWal(db: StoreDatabase): unknown {
  const deadline = Date.now() + STORE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      return pragmaValue(db, 'journal_mode = WAL');
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/**
 * Runs `fn` inside a BEGIN IMMEDIATE transaction and commits, or rolls back and rethrows
 * when it throws. IMMEDIATE takes the write lock (waiting through the busy timeout) before
 * `fn` reads anything, so a read-then-write in `fn` cannot race another process's. `fn`
 * must be synchronous; transactions do not nest.
 */
export function immediateTransaction<T>(db: StoreDatabase, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  let result: T;
  try {
    result = fn();
    db.exec('COMMIT');
  } catch (error) {
    // SQLite has already rolled back after some errors (a full disk, for one); rolling back
    // what is left must not hide the error that stopped the transaction.
    if (db.isTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // the original error is the one to report
      }
    }
    throw error;
  }
  return result;
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
    db = new DatabaseSync(file, { timeout: STORE_BUSY_TIMEOUT_MS });
    const journalMode = switchToWal(db);
    if (journalMode !== 'wal') {
      // An in-memory or read-only database cannot be shared between processes, so the
      // exactly-once guarantees the stores promise would not hold.
      throw new WritError('CONFIG_INVALID', `store ${file} cannot use WAL journaling (got ${String(journalMode)})`);
    }
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
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

/**
 * Creates the schema in an empty file, or brings a file of this store at an older version
 * up to date; a file of another kind, or of a newer version than this code knows, is
 * refused, never written into.
 */
function initialise(db: StoreDatabase, file: string, schema: StoreSchema): void {
  const target = schema.migrations.length;
  immediateTransaction(db, () => {
    db.exec(META_DDL);
    const meta = db.prepare('SELECT kind, version FROM writ_store WHERE singleton = 1').get() as
      | { kind: string; version: number }
      | undefined;
    let from = 0;
    if (meta === undefined) {
      const others = db
        .prepare("SELECT COUNT(*) AS n FROM sqlite_schema WHERE type = 'table' AND name <> 'writ_store'")
        .get() as { n: number };
      if (others.n > 0) {
        // Someone else's database: adding our tables to it would mix two stores' state.
        throw new WritError('CONFIG_INVALID', `${file} is a SQLite file that is not a Writ ${schema.kind} store`);
      }
      db.prepare('INSERT INTO writ_store (singleton, kind, version) VALUES (1, ?, 0)').run(schema.kind);
    } else {
      if (meta.kind !== schema.kind) {
        throw new WritError('CONFIG_INVALID', `${file} holds a Writ ${meta.kind} store, not a ${schema.kind} store`);
      }
      if (meta.version > target) {
        throw new WritError(
          'STORE_SCHEMA_NEWER',
          `${file} holds a ${schema.kind} store at schema version ${meta.version}, newer than this Writ knows (${target}): upgrade Writ, or point it at another store`,
        );
      }
      from = meta.version;
    }
    // Inside the same IMMEDIATE transaction: processes racing to open an old file migrate it once.
    for (let version = from; version < target; version++) db.exec(schema.migrations[version]!);
    if (from < target) db.prepare('UPDATE writ_store SET version = ? WHERE singleton = 1').run(target);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
