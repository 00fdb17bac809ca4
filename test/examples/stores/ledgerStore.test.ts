import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWritError } from '../../../core/errors/writError';
import { LedgerStore } from '../../../examples/treasury/ledgerStore';
import { expectWritError } from './expectWritError';

describe('LedgerStore', () => {
  let dir: string;
  let file: string;
  let ledger: LedgerStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-ledger-'));
    file = join(dir, 'ledger.sqlite');
    ledger = LedgerStore.open(file, { clock: () => new Date('2030-01-02T03:04:05.000Z') });
    ledger.createAccount({ id: 'a', owner: 'Ada', balanceCents: 10_000 });
    ledger.createAccount({ id: 'b', owner: 'Ben', balanceCents: 500 });
  });

  afterEach(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when a transfer is repeated with the same idempotency key', () => {
    it('moves the money once and replays the first result', () => {
      const request = { from: 'a', to: 'b', amountCents: 2_500, memo: 'rent', idempotencyKey: 'run-1/act-1' };
      const first = ledger.transfer(request);
      // Money arriving between the calls must not change what the replay reports.
      ledger.transfer({ from: 'b', to: 'a', amountCents: 100, idempotencyKey: 'run-1/act-2' });
      const second = ledger.transfer(request);

      expect(first).toEqual({ transferId: expect.stringMatching(/^tr_/), fromBalanceCents: 7_500, toBalanceCents: 3_000, replayed: false });
      expect(second).toEqual({ ...first, replayed: true });
      expect(ledger.countTransfersByKey('run-1/act-1')).toBe(1);
      expect(ledger.getAccount('a')?.balanceCents).toBe(7_600);
      expect(ledger.getAccount('b')?.balanceCents).toBe(2_900);
    });

    it('records the transfer with the injected clock', () => {
      ledger.transfer({ from: 'a', to: 'b', amountCents: 1, idempotencyKey: 'k' });
      expect(ledger.listTransfers()).toEqual([
        {
          transferId: expect.stringMatching(/^tr_/),
          idempotencyKey: 'k',
          from: 'a',
          to: 'b',
          amountCents: 1,
          memo: null,
          fromBalanceCents: 9_999,
          toBalanceCents: 501,
          recordedAt: '2030-01-02T03:04:05.000Z',
        },
      ]);
    });
  });

  describe('when a used key arrives with different arguments', () => {
    it('refuses with IDEMPOTENCY_KEY_CONFLICT and moves nothing', () => {
      ledger.transfer({ from: 'a', to: 'b', amountCents: 100, idempotencyKey: 'k' });
      expectWritError(() => ledger.transfer({ from: 'a', to: 'b', amountCents: 9_000, idempotencyKey: 'k' }), 'IDEMPOTENCY_KEY_CONFLICT');
      expectWritError(() => ledger.transfer({ from: 'a', to: 'b', amountCents: 100, memo: 'x', idempotencyKey: 'k' }), 'IDEMPOTENCY_KEY_CONFLICT');
      expect(ledger.getAccount('a')?.balanceCents).toBe(9_900);
      expect(ledger.listTransfers()).toHaveLength(1);
    });
  });

  describe('when the source account lacks funds', () => {
    it('fails with LEDGER_INSUFFICIENT_FUNDS, writes nothing and leaves the key unused', () => {
      expectWritError(() => ledger.transfer({ from: 'b', to: 'a', amountCents: 501, idempotencyKey: 'k' }), 'LEDGER_INSUFFICIENT_FUNDS');
      expect(ledger.getAccount('a')?.balanceCents).toBe(10_000);
      expect(ledger.getAccount('b')?.balanceCents).toBe(500);
      expect(ledger.countTransfersByKey('k')).toBe(0);

      ledger.transfer({ from: 'a', to: 'b', amountCents: 1, idempotencyKey: 'top-up' });
      expect(ledger.transfer({ from: 'b', to: 'a', amountCents: 501, idempotencyKey: 'k' }).replayed).toBe(false);
    });

    it('allows a transfer of the whole balance', () => {
      expect(ledger.transfer({ from: 'b', to: 'a', amountCents: 500, idempotencyKey: 'k' }).fromBalanceCents).toBe(0);
    });
  });

  describe('when an account is unknown', () => {
    it('fails with LEDGER_ACCOUNT_UNKNOWN on either side', () => {
      expectWritError(() => ledger.transfer({ from: 'nobody', to: 'a', amountCents: 1, idempotencyKey: 'k1' }), 'LEDGER_ACCOUNT_UNKNOWN');
      expectWritError(() => ledger.transfer({ from: 'a', to: 'nobody', amountCents: 1, idempotencyKey: 'k2' }), 'LEDGER_ACCOUNT_UNKNOWN');
      expectWritError(() => ledger.setFrozen('nobody', true), 'LEDGER_ACCOUNT_UNKNOWN');
      expect(ledger.getAccount('nobody')).toBeUndefined();
      expect(ledger.getAccount('a')?.balanceCents).toBe(10_000);
    });
  });

  describe('when the input is invalid', () => {
    it.each([
      ['a negative amount', { amountCents: -5 }, 'amountCents'],
      ['a zero amount', { amountCents: 0 }, 'amountCents'],
      ['fractional cents', { amountCents: 1.5 }, 'amountCents'],
      ['the same account on both sides', { to: 'a' }, 'to'],
      ['an empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey'],
      ['an unknown field', { sneaky: true }, ''],
    ])('refuses %s with INPUT_INVALID', (_label, override, path) => {
      const request = { from: 'a', to: 'b', amountCents: 1, idempotencyKey: 'k', ...override };
      let thrown: unknown;
      try {
        ledger.transfer(request);
      } catch (error) {
        thrown = error;
      }
      expect(isWritError(thrown, 'INPUT_INVALID')).toBe(true);
      if (isWritError(thrown)) expect(thrown.issues.map((issue) => issue.path)).toContain(path);
      expect(ledger.listTransfers()).toEqual([]);
    });

    it('refuses an account id already in use', () => {
      expectWritError(() => ledger.createAccount({ id: 'a', owner: 'Someone else', balanceCents: 1 }), 'INPUT_INVALID');
      expect(ledger.getAccount('a')?.owner).toBe('Ada');
    });
  });

  describe('the frozen flag', () => {
    it('round-trips through the file', () => {
      expect(ledger.createAccount({ id: 'f', owner: 'Frida', balanceCents: 0, frozen: true }).frozen).toBe(true);
      expect(ledger.getAccount('a')?.frozen).toBe(false);
      ledger.close();

      ledger = LedgerStore.open(file);
      expect(ledger.getAccount('f')?.frozen).toBe(true);
      expect(ledger.setFrozen('f', false)).toEqual({ id: 'f', owner: 'Frida', balanceCents: 0, frozen: false });
      expect(ledger.setFrozen('a', true).frozen).toBe(true);
      ledger.close();

      ledger = LedgerStore.open(file);
      expect(ledger.getAccount('f')?.frozen).toBe(false);
      expect(ledger.getAccount('a')?.frozen).toBe(true);
    });
  });

  describe('when two handles open the same file', () => {
    it('sees one transfer per key whichever handle acts', () => {
      const other = LedgerStore.open(file);
      try {
        const request = { from: 'a', to: 'b', amountCents: 700, idempotencyKey: 'shared' };
        const first = ledger.transfer(request);
        const second = other.transfer(request);
        expect(second).toEqual({ ...first, replayed: true });
        other.transfer({ from: 'a', to: 'b', amountCents: 300, idempotencyKey: 'other' });
        expect(ledger.listTransfers().map((t) => t.idempotencyKey)).toEqual(['shared', 'other']);
        expect(ledger.getAccount('a')?.balanceCents).toBe(9_000);
        expect(other.getAccount('b')?.balanceCents).toBe(1_500);
      } finally {
        other.close();
      }
    });
  });

  describe('seedDemo', () => {
    it('creates the demo accounts once, one of them frozen', () => {
      const seeded = ledger.seedDemo();
      expect(seeded.filter((account) => account.frozen)).toHaveLength(1);
      const alice = seeded.find((account) => account.id === 'acct-alice');
      expect(alice).toBeDefined();
      ledger.transfer({ from: 'acct-alice', to: 'acct-bob', amountCents: 1_000, idempotencyKey: 'demo' });

      // A second seeding must keep balances the demo already changed.
      const reseeded = ledger.seedDemo();
      expect(reseeded.find((account) => account.id === 'acct-alice')?.balanceCents).toBe((alice?.balanceCents ?? 0) - 1_000);
      expect(ledger.listAccounts()).toHaveLength(seeded.length + 2);
    });
  });
});
