import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { WritError } from 'writ-governance';
import { immediateTransaction, openStoreDatabase as openDatabase, type StoreDatabase, type StoreRow, type StoreSchema } from 'writ-governance';
import { idempotencyKeySchema, parseStoreInput, positiveCentsSchema } from '../shared/parseStoreInput';
import { assertSameRequest, requestDigest } from '../shared/requestDigest';

/** An account as the ledger holds it; amounts are integer cents. */
export interface LedgerAccount {
  readonly id: string;
  readonly owner: string;
  readonly balanceCents: number;
  readonly frozen: boolean;
}

/** What `createAccount` takes; an account is open (not frozen) unless said otherwise. */
export interface NewLedgerAccount {
  readonly id: string;
  readonly owner: string;
  readonly balanceCents: number;
  readonly frozen?: boolean;
}

/** One funds transfer request; `idempotencyKey` is derived by Writ from run and step. */
export interface TransferRequest {
  readonly from: string;
  readonly to: string;
  readonly amountCents: number;
  readonly memo?: string;
  readonly idempotencyKey: string;
}

/**
 * The outcome of a transfer. `replayed` is true when the key had already been used: the
 * balances are then those recorded by the first call, and no money moved this time.
 */
export interface TransferResult {
  readonly transferId: string;
  readonly fromBalanceCents: number;
  readonly toBalanceCents: number;
  readonly replayed: boolean;
}

/** A transfer as recorded in the ledger. */
export interface TransferRecord {
  readonly transferId: string;
  readonly idempotencyKey: string;
  readonly from: string;
  readonly to: string;
  readonly amountCents: number;
  readonly memo: string | null;
  readonly fromBalanceCents: number;
  readonly toBalanceCents: number;
  /** ISO-8601, from the store's clock. */
  readonly recordedAt: string;
}

/** Options for `LedgerStore.open`. */
export interface LedgerStoreOptions {
  /** Stamps `recordedAt`; injected so tests control time. */
  readonly clock?: () => Date;
}

const SCHEMA: StoreSchema = {
  kind: 'ledger',
  migrations: [
    `
    CREATE TABLE accounts (
      id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0),
      frozen INTEGER NOT NULL CHECK (frozen IN (0, 1)),
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE transfers (
      seq INTEGER PRIMARY KEY,
      transfer_id TEXT NOT NULL UNIQUE,
      idempotency_key TEXT NOT NULL UNIQUE,
      request_digest TEXT NOT NULL,
      from_account TEXT NOT NULL REFERENCES accounts (id),
      to_account TEXT NOT NULL REFERENCES accounts (id),
      amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
      memo TEXT,
      from_balance_cents INTEGER NOT NULL,
      to_balance_cents INTEGER NOT NULL,
      recorded_at TEXT NOT NULL
    ) STRICT;
  `,
  ],
};

const accountIdSchema = z.string().min(1).max(128);

const newAccountSchema = z.strictObject({
  id: accountIdSchema,
  owner: z.string().min(1).max(256),
  balanceCents: z.int().nonnegative(),
  frozen: z.boolean().optional(),
});

const transferSchema = z
  .strictObject({
    from: accountIdSchema,
    to: accountIdSchema,
    amountCents: positiveCentsSchema,
    memo: z.string().max(1024).optional(),
    idempotencyKey: idempotencyKeySchema,
  })
  .refine((t) => t.from !== t.to, { path: ['to'], message: 'must differ from the source account' });

interface AccountRow extends StoreRow {
  id: string;
  owner: string;
  balance_cents: number;
  frozen: number;
}

interface TransferRow extends StoreRow {
  transfer_id: string;
  idempotency_key: string;
  request_digest: string;
  from_account: string;
  to_account: string;
  amount_cents: number;
  memo: string | null;
  from_balance_cents: number;
  to_balance_cents: number;
  recorded_at: string;
}

/**
 * The example bank ledger behind Writ's funds-transfer workflow, in a local SQLite file.
 * A transfer debits, credits and records itself in one transaction under a UNIQUE
 * idempotency key, so a retried or duplicated activity moves money at most once. The
 * `frozen` flag is data for the policy to read; the ledger itself does not refuse frozen
 * accounts, so the example shows Writ stopping such a transfer, not the store.
 */
export class LedgerStore {
  private constructor(
    private readonly db: StoreDatabase,
    private readonly clock: () => Date,
  ) {}

  /** Opens or creates the ledger at `file` (see `openDatabase` for the guarantees). */
  static open(file: string, options: LedgerStoreOptions = {}): LedgerStore {
    return new LedgerStore(openDatabase(file, SCHEMA), options.clock ?? (() => new Date()));
  }

  /** Creates an account; an id already in use is `INPUT_INVALID`. */
  createAccount(account: NewLedgerAccount): LedgerAccount {
    const input = parseStoreInput(newAccountSchema, account, 'createAccount');
    const created = this.db
      .prepare(
        `INSERT INTO accounts (id, owner, balance_cents, frozen, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      )
      .run(input.id, input.owner, input.balanceCents, input.frozen === true ? 1 : 0, this.now());
    if (created.changes === 0) {
      throw new WritError('INPUT_INVALID', `createAccount: account ${input.id} already exists`, {
        issues: [{ path: 'id', message: 'already exists' }],
      });
    }
    return this.requireAccount(input.id);
  }

  /** Freezes or unfreezes an account; an unknown id is `LEDGER_ACCOUNT_UNKNOWN`. */
  setFrozen(id: string, frozen: boolean): LedgerAccount {
    const updated = this.db.prepare('UPDATE accounts SET frozen = ? WHERE id = ?').run(frozen ? 1 : 0, id);
    if (updated.changes === 0) throw unknownAccount(id);
    return this.requireAccount(id);
  }

  /** The account with this id, or undefined. */
  getAccount(id: string): LedgerAccount | undefined {
    const row = this.db.prepare('SELECT id, owner, balance_cents, frozen FROM accounts WHERE id = ?').get(id) as
      | AccountRow
      | undefined;
    return row === undefined ? undefined : toAccount(row);
  }

  /** Every account, by id. */
  listAccounts(): LedgerAccount[] {
    const rows = this.db
      .prepare('SELECT id, owner, balance_cents, frozen FROM accounts ORDER BY id')
      .all() as AccountRow[];
    return rows.map(toAccount);
  }

  /**
   * Moves `amountCents` from one account to another, exactly once per idempotency key.
   * A key seen before returns the first call's recorded result with `replayed: true`
   * (the same key with different arguments is `IDEMPOTENCY_KEY_CONFLICT`). An unknown
   * account is `LEDGER_ACCOUNT_UNKNOWN`, a balance too small `LEDGER_INSUFFICIENT_FUNDS`;
   * either way nothing is written and the key stays unused.
   */
  transfer(request: TransferRequest): TransferResult {
    const input = parseStoreInput(transferSchema, request, 'transfer');
    const digest = requestDigest('transfer', [input.from, input.to, input.amountCents, input.memo ?? null]);
    // IMMEDIATE takes the write lock before the key lookup: in WAL mode a deferred
    // transaction that read first could not upgrade, and two processes could both miss.
    return immediateTransaction(this.db, (): TransferResult => {
      const recorded = this.db
        .prepare('SELECT * FROM transfers WHERE idempotency_key = ?')
        .get(input.idempotencyKey) as TransferRow | undefined;
      if (recorded !== undefined) {
        assertSameRequest(input.idempotencyKey, recorded.request_digest, digest);
        return {
          transferId: recorded.transfer_id,
          fromBalanceCents: recorded.from_balance_cents,
          toBalanceCents: recorded.to_balance_cents,
          replayed: true,
        };
      }
      const from = this.requireAccount(input.from);
      const to = this.requireAccount(input.to);
      if (from.balanceCents < input.amountCents) {
        throw new WritError(
          'LEDGER_INSUFFICIENT_FUNDS',
          `account ${from.id} holds ${from.balanceCents} cents, transfer needs ${input.amountCents}`,
        );
      }
      const fromBalanceCents = from.balanceCents - input.amountCents;
      const toBalanceCents = to.balanceCents + input.amountCents;
      if (!Number.isSafeInteger(toBalanceCents)) {
        throw new WritError('INPUT_INVALID', `transfer: account ${to.id} balance would overflow`, {
          issues: [{ path: 'amountCents', message: 'credit would overflow the destination balance' }],
        });
      }
      const setBalance = this.db.prepare('UPDATE accounts SET balance_cents = ? WHERE id = ?');
      setBalance.run(fromBalanceCents, from.id);
      setBalance.run(toBalanceCents, to.id);
      const transferId = `tr_${randomUUID()}`;
      this.db
        .prepare(
          `INSERT INTO transfers (transfer_id, idempotency_key, request_digest, from_account, to_account,
             amount_cents, memo, from_balance_cents, to_balance_cents, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          transferId,
          input.idempotencyKey,
          digest,
          from.id,
          to.id,
          input.amountCents,
          input.memo ?? null,
          fromBalanceCents,
          toBalanceCents,
          this.now(),
        );
      return { transferId, fromBalanceCents, toBalanceCents, replayed: false };
    });
  }

  /** Every recorded transfer, oldest first. */
  listTransfers(): TransferRecord[] {
    const rows = this.db.prepare('SELECT * FROM transfers ORDER BY seq').all() as TransferRow[];
    return rows.map((row) => ({
      transferId: row.transfer_id,
      idempotencyKey: row.idempotency_key,
      from: row.from_account,
      to: row.to_account,
      amountCents: row.amount_cents,
      memo: row.memo,
      fromBalanceCents: row.from_balance_cents,
      toBalanceCents: row.to_balance_cents,
      recordedAt: row.recorded_at,
    }));
  }

  /** How many transfers carry this idempotency key: 0 or 1, which is what tests prove. */
  countTransfersByKey(idempotencyKey: string): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM transfers WHERE idempotency_key = ?')
      .get(idempotencyKey) as { n: number };
    return row.n;
  }

  /**
   * Creates the demo accounts unless they exist (so a rerun keeps their balances): three
   * open accounts and one frozen, which the example policy must refuse to debit.
   */
  seedDemo(): LedgerAccount[] {
    const insert = this.db.prepare(
      `INSERT INTO accounts (id, owner, balance_cents, frozen, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    const now = this.now();
    immediateTransaction(this.db, () => {
      for (const account of DEMO_ACCOUNTS) {
        insert.run(account.id, account.owner, account.balanceCents, account.frozen ? 1 : 0, now);
      }
    });
    return DEMO_ACCOUNTS.map((account) => this.requireAccount(account.id));
  }

  /** Closes the file; the store cannot be used afterwards. */
  close(): void {
    this.db.close();
  }

  private requireAccount(id: string): LedgerAccount {
    const account = this.getAccount(id);
    if (account === undefined) throw unknownAccount(id);
    return account;
  }

  private now(): string {
    return this.clock().toISOString();
  }
}

const DEMO_ACCOUNTS: readonly LedgerAccount[] = [
  { id: 'acct-alice', owner: 'Alice Moreau', balanceCents: 250_000, frozen: false },
  { id: 'acct-bob', owner: 'Bob Okafor', balanceCents: 120_000, frozen: false },
  { id: 'acct-treasury', owner: 'Treasury Operations', balanceCents: 10_000_000, frozen: false },
  { id: 'acct-mallory', owner: 'Mallory Holdings Ltd', balanceCents: 500_000, frozen: true },
];

function toAccount(row: AccountRow): LedgerAccount {
  return { id: row.id, owner: row.owner, balanceCents: row.balance_cents, frozen: row.frozen === 1 };
}

function unknownAccount(id: string): WritError {
  return new WritError('LEDGER_ACCOUNT_UNKNOWN', `no ledger account ${id}`);
}
