import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { InfraStateStore } from '../../../examples/infrastructure/infraStateStore';
import { LedgerStore } from '../../../examples/treasury/ledgerStore';
import { openDatabase, STORE_BUSY_TIMEOUT_MS } from '../../../core/storage/openDatabase';
import { expectWritError } from '../../examples/stores/expectWritError';

const SCHEMA = { kind: 'probe', version: 1, ddl: 'CREATE TABLE things (id INTEGER PRIMARY KEY) STRICT;' };

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
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('busy_timeout', { simple: true })).toBe(STORE_BUSY_TIMEOUT_MS);
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
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
      expectWritError(() => openDatabase(file, { ...SCHEMA, kind: 'ledger', version: 2 }), 'CONFIG_INVALID');
    });
  });

  describe('when the file is some other SQLite database', () => {
    it('refuses with CONFIG_INVALID and adds no tables', () => {
      const file = join(dir, 'theirs.sqlite');
      const theirs = new Database(file);
      theirs.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
      theirs.close();
      expectWritError(() => LedgerStore.open(file), 'CONFIG_INVALID');
      const check = new Database(file);
      try {
        expect(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all()).toEqual(['customers']);
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
});
