import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { immediateTransaction, openStoreDatabase as openDatabase, type StoreDatabase, type StoreRow, type StoreSchema } from 'writ-governance';
import { idempotencyKeySchema, parseStoreInput } from '../shared/parseStoreInput';
import { assertSameRequest, requestDigest } from '../shared/requestDigest';

/** One infrastructure change to apply; `idempotencyKey` is derived by Writ. */
export interface InfraChangeRequest {
  readonly environment: string;
  readonly service: string;
  /** What is being changed, e.g. `scale web to 6 replicas`. */
  readonly change: string;
  readonly idempotencyKey: string;
}

/**
 * The outcome of applying a change. `replayed` is true when the key had already been
 * used: the change is the one applied by the first call, and nothing was applied now.
 */
export interface InfraChangeResult {
  readonly changeId: string;
  readonly replayed: boolean;
}

/** A change as recorded in the infrastructure state. */
export interface InfraChangeRecord {
  readonly changeId: string;
  readonly idempotencyKey: string;
  readonly environment: string;
  readonly service: string;
  readonly change: string;
  /** ISO-8601, from the store's clock. */
  readonly appliedAt: string;
}

/** Options for `InfraStateStore.open`. */
export interface InfraStateStoreOptions {
  /** Stamps `appliedAt`; injected so tests control time. */
  readonly clock?: () => Date;
}

const SCHEMA: StoreSchema = {
  kind: 'infra-state',
  migrations: [
    `
    CREATE TABLE changes (
      seq INTEGER PRIMARY KEY,
      change_id TEXT NOT NULL UNIQUE,
      idempotency_key TEXT NOT NULL UNIQUE,
      request_digest TEXT NOT NULL,
      environment TEXT NOT NULL,
      service TEXT NOT NULL,
      change TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT;
  `,
  ],
};

const changeSchema = z.strictObject({
  environment: z.string().min(1).max(128),
  service: z.string().min(1).max(128),
  change: z.string().min(1).max(4096),
  idempotencyKey: idempotencyKeySchema,
});

interface ChangeRow extends StoreRow {
  change_id: string;
  idempotency_key: string;
  request_digest: string;
  environment: string;
  service: string;
  change: string;
  applied_at: string;
}

/**
 * The example infrastructure state behind Writ's change-management workflow: the log of
 * changes applied to each environment's services, in a local SQLite file. Applying is
 * recorded under a UNIQUE idempotency key inside one transaction, so a retried or
 * duplicated activity applies a change at most once.
 */
export class InfraStateStore {
  private constructor(
    private readonly db: StoreDatabase,
    private readonly clock: () => Date,
  ) {}

  /** Opens or creates the store at `file` (see `openDatabase` for the guarantees). */
  static open(file: string, options: InfraStateStoreOptions = {}): InfraStateStore {
    return new InfraStateStore(openDatabase(file, SCHEMA), options.clock ?? (() => new Date()));
  }

  /**
   * Applies a change exactly once per idempotency key. A key seen before returns the
   * first call's change id with `replayed: true`; the same key with different arguments
   * is `IDEMPOTENCY_KEY_CONFLICT`.
   */
  applyChange(request: InfraChangeRequest): InfraChangeResult {
    const input = parseStoreInput(changeSchema, request, 'applyChange');
    const digest = requestDigest('applyChange', [input.environment, input.service, input.change]);
    // IMMEDIATE: hold the write lock across lookup and insert (see LedgerStore.transfer).
    return immediateTransaction(this.db, (): InfraChangeResult => {
      const recorded = this.db
        .prepare('SELECT change_id, request_digest FROM changes WHERE idempotency_key = ?')
        .get(input.idempotencyKey) as Pick<ChangeRow, 'change_id' | 'request_digest'> | undefined;
      if (recorded !== undefined) {
        assertSameRequest(input.idempotencyKey, recorded.request_digest, digest);
        return { changeId: recorded.change_id, replayed: true };
      }
      const changeId = `chg_${randomUUID()}`;
      this.db
        .prepare(
          `INSERT INTO changes (change_id, idempotency_key, request_digest, environment, service, change, applied_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          changeId,
          input.idempotencyKey,
          digest,
          input.environment,
          input.service,
          input.change,
          this.clock().toISOString(),
        );
      return { changeId, replayed: false };
    });
  }

  /** Every applied change, oldest first. */
  listChanges(): InfraChangeRecord[] {
    const rows = this.db.prepare('SELECT * FROM changes ORDER BY seq').all() as ChangeRow[];
    return rows.map((row) => ({
      changeId: row.change_id,
      idempotencyKey: row.idempotency_key,
      environment: row.environment,
      service: row.service,
      change: row.change,
      appliedAt: row.applied_at,
    }));
  }

  /** How many changes carry this idempotency key: 0 or 1, which is what tests prove. */
  countChangesByKey(idempotencyKey: string): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM changes WHERE idempotency_key = ?')
      .get(idempotencyKey) as { n: number };
    return row.n;
  }

  /** Closes the file; the store cannot be used afterwards. */
  close(): void {
    this.db.close();
  }
}
