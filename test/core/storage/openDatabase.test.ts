import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InfraStateStore } from '../../../examples/infrastructure/infraStateStore';
import { LedgerStore } from '../../../examples/treasury/ledgerStore';
import {
  DatabaseSync,
  immediateTransaction,
  isSqliteBusy,
  openDatabase,
  pragmaValue,
  STORE_BUSY_TIMEOUT_MS,
} from '../../../core/storage/openDatabase';
import { expectWritError } from '../../examples/stores/expectWritError';

const SCHEMA = { kind: 'probe', migrations: ['CREATE TABLE things (id INTEGER PRIMARY KEY) STRICT;'] };

describe('openDatabase', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-open-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens in WAL mode with a busy timeout, full sync and foreign keys, creating folders', () => {
    const db = openDatabase(join(dir, 'nested', 'deeper', 'probe.sqlite'), SCHEMA);
    try {
      expect(pragmaValue(db, 'journal_mode')).toBe('wal');
      expect(pragmaValue(db, 'busy_timeout')).toBe(STORE_BUSY_TIMEOUT_MS);
      expect(pragmaValue(db, 'synchronous')).toBe(2);
      expect(pragmaValue(db, 'foreign_keys')).toBe(1);
    } finally {
      db.close();
    }
  });

  it('creates the schema once and reopens without touching it', () => {
    const file = join(dir, 'probe.sqlite');
    const first = openDatabase(file, SCHEMA);
    first.prepare('INSERT INTO things (id) VALUES (7)').run();
    const second = openDatabase(file, SCHEMA);
    try {
      expect(second.prepare('SELECT id FROM things').all()).toEqual([{ id: 7 }]);
    } finally {
      first.close();
      second.close();
    }
  });

  describe('when the file belongs to another kind of store', () => {
    it('refuses with CONFIG_INVALID instead of mixing the two', () => {
      const file = join(dir, 'ledger.sqlite');
      LedgerStore.open(file).close();
      expectWritError(() => InfraStateStore.open(file), 'CONFIG_INVALID');
      expectWritError(() => openDatabase(file, { ...SCHEMA, kind: 'probe' }), 'CONFIG_INVALID');
    });
  });

  describe('when the file was made by an older version of the store', () => {
    it('applies the missing migrations once, keeping what the file held', () => {
      const file = join(dir, 'probe.sqlite');
      const first = openDatabase(file, SCHEMA);
      first.prepare('INSERT INTO things (id) VALUES (7)').run();
      first.close();
      const upgraded = { kind: 'probe', migrations: [...SCHEMA.migrations, 'ALTER TABLE things ADD COLUMN label TEXT;'] };
      const second = openDatabase(file, upgraded);
      const third = openDatabase(file, upgraded);
      try {
        expect(second.prepare('SELECT id, label FROM things').all().map((row) => ({ ...row }))).toEqual([{ id: 7, label: null }]);
        expect({ ...third.prepare('SELECT version FROM writ_store').get() }).toEqual({ version: 2 });
      } finally {
        second.close();
        third.close();
      }
    });
  });

  describe('when the file was made by a newer version of the store', () => {
    it('refuses with STORE_SCHEMA_NEWER and leaves the file at its version', () => {
      const file = join(dir, 'probe.sqlite');
      openDatabase(file, { kind: 'probe', migrations: [...SCHEMA.migrations, 'ALTER TABLE things ADD COLUMN label TEXT;'] }).close();
      expectWritError(() => openDatabase(file, SCHEMA), 'STORE_SCHEMA_NEWER');
      const check = new DatabaseSync(file);
      try {
        expect({ ...check.prepare('SELECT version FROM writ_store').get() }).toEqual({ version: 2 });
      } finally {
        check.close();
      }
    });
  });

  describe('when the file is some other SQLite database', () => {
    it('refuses with CONFIG_INVALID and adds no tables', () => {
      const file = join(dir, 'theirs.sqlite');
      const theirs = new DatabaseSync(file);
      theirs.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
      theirs.close();
      expectWritError(() => LedgerStore.open(file), 'CONFIG_INVALID');
      const check = new DatabaseSync(file);
      try {
        expect(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all().map((row) => row['name'])).toEqual(['customers']);
      } finally {
        check.close();
      }
    });
  });

  describe('when the file is not SQLite at all', () => {
    it('refuses with CONFIG_INVALID and leaves the file as it was', () => {
      const file = join(dir, 'notes.txt');
      const text = 'these are not the pages you are looking for\n'.repeat(200);
      writeFileSync(file, text);
      expectWritError(() => LedgerStore.open(file), 'CONFIG_INVALID');
      expect(readFileSync(file, 'utf8')).toBe(text);
    });
  });

  describe('when asked for an in-memory database', () => {
    it('refuses with CONFIG_INVALID, since no other process could share it', () => {
      expectWritError(() => openDatabase(':memory:', SCHEMA), 'CONFIG_INVALID');
    });
  });

  describe('when node:sqlite is loaded', () => {
    const OPEN_DATABASE = resolve(__dirname, '../../../dist/core/storage/openDatabase.js');

    it('prints no SQLite experimental warning, and other warnings still reach stderr', () => {
      // dist/: the compiled module exactly as the CLI and workers load it (npm test builds it).
      expect(existsSync(OPEN_DATABASE)).toBe(true);
      const run = spawnSync(
        process.execPath,
        ['-e', `require(${JSON.stringify(OPEN_DATABASE)}); process.emitWarning('another feature', 'ExperimentalWarning');`],
        { encoding: 'utf8' },
      );
      expect(run.status).toBe(0);
      expect(run.stderr).not.toContain('SQLite is an experimental feature');
      expect(run.stderr).toContain('ExperimentalWarning: another feature');
    });
  });
});

describe('immediateTransaction', () => {
  let dir: string;
  let db: InstanceType<typeof DatabaseSync>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-transaction-'));
    db = openDatabase(join(dir, 'probe.sqlite'), SCHEMA);
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = () => db.prepare('SELECT id FROM things ORDER BY id').all().map((row) => row['id']);

  it("commits and returns the function's result", () => {
    expect(immediateTransaction(db, () => db.prepare('INSERT INTO things (id) VALUES (1)').run().changes)).toBe(1);
    expect(db.isTransaction).toBe(false);
    expect(ids()).toEqual([1]);
  });

  it('rolls everything back and rethrows the same error when the function throws', () => {
    const failure = new Error('stop here');
    expect(() =>
      immediateTransaction(db, () => {
        db.prepare('INSERT INTO things (id) VALUES (1)').run();
        throw failure;
      }),
    ).toThrow(failure);
    expect(db.isTransaction).toBe(false);
    expect(ids()).toEqual([]);
  });

  it("rolls back after SQLite's own error, leaving the connection usable", () => {
    db.prepare('INSERT INTO things (id) VALUES (1)').run();
    expect(() =>
      immediateTransaction(db, () => {
        db.prepare('INSERT INTO things (id) VALUES (2)').run();
        db.prepare('INSERT INTO things (id) VALUES (1)').run();
      }),
    ).toThrow(/UNIQUE constraint failed/);
    expect(db.isTransaction).toBe(false);
    immediateTransaction(db, () => db.prepare('INSERT INTO things (id) VALUES (3)').run());
    expect(ids()).toEqual([1, 3]);
  });

  it('holds the write lock from the start: another connection cannot write inside it', () => {
    const other = new DatabaseSync(join(dir, 'probe.sqlite'), { timeout: 0 });
    try {
      let seen: unknown;
      immediateTransaction(db, () => {
        try {
          other.exec('BEGIN IMMEDIATE');
        } catch (error) {
          seen = error;
        }
      });
      expect(isSqliteBusy(seen)).toBe(true);
      other.exec('BEGIN IMMEDIATE');
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
  });
});

describe('isSqliteBusy', () => {
  it('tells SQLITE_BUSY from any other node:sqlite error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-busy-'));
    const first = new DatabaseSync(join(dir, 'busy.sqlite'), { timeout: 0 });
    const second = new DatabaseSync(join(dir, 'busy.sqlite'), { timeout: 0 });
    try {
      first.exec('CREATE TABLE t (x INTEGER UNIQUE); BEGIN IMMEDIATE');
      const busy = (() => {
        try {
          second.exec('BEGIN IMMEDIATE');
        } catch (error) {
          return error;
        }
      })();
      expect(busy).toMatchObject({ code: 'ERR_SQLITE_ERROR', errcode: 5 });
      expect(isSqliteBusy(busy)).toBe(true);
      first.exec('INSERT INTO t VALUES (1)');
      const constraint = (() => {
        try {
          first.exec('INSERT INTO t VALUES (1)');
        } catch (error) {
          return error;
        }
      })();
      expect(constraint).toMatchObject({ code: 'ERR_SQLITE_ERROR' });
      expect(isSqliteBusy(constraint)).toBe(false);
      expect(isSqliteBusy(new Error('database is locked'))).toBe(false);
      expect(isSqliteBusy(undefined)).toBe(false);
    } finally {
      first.close();
      second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
