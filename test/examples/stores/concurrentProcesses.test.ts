import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AgentWorkspace } from '../../../examples/support-agent/agentWorkspace';
import { LedgerStore } from '../../../examples/treasury/ledgerStore';

/**
 * Runs store code in separate Node processes, as a killed worker and its replacement
 * would. Each child compiles the TypeScript sources with SWC on require (the same
 * transform jest uses), waits for a shared start instant so the processes really
 * contend, runs `body` and prints its result as JSON.
 */
const ROOT = resolve(__dirname, '../../..');
const PRELUDE = `
  const swc = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformFileSync(filename, {
      jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
  const input = JSON.parse(process.env.WRIT_CHILD_INPUT);
  const root = process.env.WRIT_ROOT;
`;

function child(body: string, input: unknown): ChildProcess {
  return spawn(process.execPath, ['-e', PRELUDE + body], {
    cwd: ROOT,
    env: { ...process.env, WRIT_ROOT: ROOT, WRIT_CHILD_INPUT: JSON.stringify(input) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function outputOf(process: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let stdout = '';
    let stderr = '';
    process.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    process.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    process.on('error', fail);
    process.on('close', (code) => (code === 0 ? done(stdout) : fail(new Error(`child exited ${code}: ${stderr}`))));
  });
}

function firstLine(process: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let stdout = '';
    process.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end >= 0) done(stdout.slice(0, end));
    });
    process.on('close', (code) => fail(new Error(`child exited ${code} before reporting`)));
  });
}

const WAIT_FOR_START = `
  while (Date.now() < input.startAt) {}
`;

describe('stores shared by several processes', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-processes-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when six processes create one fresh ledger and send one transfer key at once', () => {
    it('creates the schema once and moves the money once', async () => {
      const file = join(dir, 'ledger.sqlite');
      const startAt = Date.now() + 1_500;
      const body = `
        const { LedgerStore } = require(root + '/examples/treasury/ledgerStore');
        ${WAIT_FOR_START}
        const ledger = LedgerStore.open(input.file);
        ledger.seedDemo();
        const result = ledger.transfer({ from: 'acct-alice', to: 'acct-bob', amountCents: 12_345, idempotencyKey: 'run-1/transfer' });
        ledger.close();
        console.log(JSON.stringify(result));
      `;
      const outputs = await Promise.all(Array.from({ length: 6 }, () => outputOf(child(body, { file, startAt }))));
      const results = outputs.map((output) => JSON.parse(output) as { transferId: string; replayed: boolean });

      expect(results.filter((result) => !result.replayed)).toHaveLength(1);
      expect(new Set(results.map((result) => result.transferId)).size).toBe(1);
      const ledger = LedgerStore.open(file);
      try {
        expect(ledger.countTransfersByKey('run-1/transfer')).toBe(1);
        expect(ledger.getAccount('acct-alice')?.balanceCents).toBe(250_000 - 12_345);
        expect(ledger.getAccount('acct-bob')?.balanceCents).toBe(120_000 + 12_345);
      } finally {
        ledger.close();
      }
    });
  });

  describe('when a worker is killed in the middle of a transfer', () => {
    it('leaves no trace, and its replacement transfers once', async () => {
      const file = join(dir, 'ledger.sqlite');
      const setup = LedgerStore.open(file);
      setup.seedDemo();
      setup.close();
      // The doomed worker debits inside an open write transaction, then hangs: exactly
      // the state a SIGKILL between the debit and the commit leaves behind.
      const doomed = child(
        `
          const { DatabaseSync } = require('node:sqlite');
          const db = new DatabaseSync(input.file, { timeout: 10000 });
          db.exec('BEGIN IMMEDIATE');
          db.prepare("UPDATE accounts SET balance_cents = balance_cents - 12345 WHERE id = 'acct-alice'").run();
          console.log('debited');
          setInterval(() => {}, 1000);
        `,
        { file },
      );
      expect(await firstLine(doomed)).toBe('debited');
      const exited = new Promise((done) => doomed.on('exit', done));
      doomed.kill('SIGKILL');
      await exited;

      const replacement = LedgerStore.open(file);
      try {
        const request = { from: 'acct-alice', to: 'acct-bob', amountCents: 12_345, idempotencyKey: 'run-2/transfer' };
        expect(replacement.transfer(request).replayed).toBe(false);
        expect(replacement.transfer(request).replayed).toBe(true);
        expect(replacement.getAccount('acct-alice')?.balanceCents).toBe(250_000 - 12_345);
        expect(replacement.countTransfersByKey('run-2/transfer')).toBe(1);
      } finally {
        replacement.close();
      }
    });
  });

  describe('when another process holds the write lock for a moment', () => {
    it('waits for it through the busy timeout instead of failing', async () => {
      const file = join(dir, 'ledger.sqlite');
      const setup = LedgerStore.open(file);
      setup.seedDemo();
      setup.close();
      const holder = child(
        `
          const { DatabaseSync } = require('node:sqlite');
          const db = new DatabaseSync(input.file, { timeout: 10000 });
          db.exec('BEGIN IMMEDIATE');
          console.log('locked');
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 750);
          db.exec('COMMIT');
          db.close();
        `,
        { file },
      );
      const finished = outputOf(holder);
      expect(await firstLine(holder)).toBe('locked');

      const ledger = LedgerStore.open(file);
      try {
        const result = ledger.transfer({ from: 'acct-bob', to: 'acct-alice', amountCents: 1, idempotencyKey: 'k' });
        expect(result.replayed).toBe(false);
      } finally {
        ledger.close();
      }
      await finished;
    });
  });

  describe('when another process holds the write lock of a fresh file being opened', () => {
    it('retries the switch to WAL, which SQLite refuses at once, until the lock is released', async () => {
      const file = join(dir, 'ledger.sqlite');
      // A fresh file in SQLite's default rollback journal, its write lock held: the state a
      // second process meets while the first is still opening the file.
      const holder = child(
        `
          const { DatabaseSync } = require('node:sqlite');
          const db = new DatabaseSync(input.file);
          db.exec('BEGIN IMMEDIATE');
          console.log('locked');
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 750);
          db.exec('COMMIT');
          db.close();
        `,
        { file },
      );
      const finished = outputOf(holder);
      expect(await firstLine(holder)).toBe('locked');

      const ledger = LedgerStore.open(file);
      try {
        expect(ledger.seedDemo()).toHaveLength(4);
      } finally {
        ledger.close();
      }
      await finished;
    });
  });

  describe('when four processes write one note key at once', () => {
    it('writes one file and one record', async () => {
      const startAt = Date.now() + 1_500;
      const body = `
        const { AgentWorkspace } = require(root + '/examples/support-agent/agentWorkspace');
        ${WAIT_FOR_START}
        const workspace = AgentWorkspace.open(input.dir);
        const result = workspace.writeNote({ title: 'Incident summary', body: 'All clear.', idempotencyKey: 'run-5/note' });
        workspace.close();
        console.log(JSON.stringify(result));
      `;
      const outputs = await Promise.all(Array.from({ length: 4 }, () => outputOf(child(body, { dir, startAt }))));
      const results = outputs.map((output) => JSON.parse(output) as { noteId: string; replayed: boolean });

      expect(results.filter((result) => !result.replayed)).toHaveLength(1);
      expect(new Set(results.map((result) => result.noteId)).size).toBe(1);
      expect(readdirSync(join(dir, 'notes'))).toEqual(['incident-summary.md']);
      const workspace = AgentWorkspace.open(dir);
      try {
        expect(workspace.countNotesByKey('run-5/note')).toBe(1);
      } finally {
        workspace.close();
      }
    });
  });
});
