import { Pool, type PoolClient } from 'pg';
import { WritError } from '../../errors/writError';
import { decodeEvidenceEntry, encodeEvidenceEntry, type EvidenceEntry } from '../entries/evidenceEntry';
import type { AppendResult, LogDirectory } from '../storage/logDirectory';
import { MAX_APPEND_ENTRIES } from '../storage/removeLeftovers';
import { describePostgresTarget, guardPostgres, inPostgresTransaction } from '../../governance/postgresAccess';

/** How the sequencer reaches the governance store's database. */
export interface PostgresSequencerOptions {
  /** The governance store's `postgres://` URL (its password is never printed). */
  readonly url: string;
  /** Connections this process keeps for the log (one is held while it integrates). */
  readonly poolSize: number;
  /** A statement taking longer fails (GOVERNANCE_STORE_UNAVAILABLE). */
  readonly queryTimeoutMs: number;
}

// One host integrates at a time, fleet-wide: the lock is the transaction's, so a host that
// dies mid-integration releases it with its connection.
const INTEGRATION_LOCK_KEY = "hashtext('writ-evidence-log-integration')";

type Row = Record<string, unknown>;

/**
 * The evidence log's sequencing state in the PostgreSQL governance store (schema version
 * 5, evidenceLogMigration.ts). `sequence` gives a batch its indices and commits it: once it
 * resolves the entries are durable and their order fixed, on every host. `integrate`
 * writes what was sequenced into the log directory, as the one host holding the
 * integration lock: tiles and bundles first, the checkpoint last (LogDirectory), each size
 * signed only if PostgreSQL holds no other root for it. A directory is never ahead of the
 * sequencer (LOG_CORRUPT: it is another log); an integration that died part-way is
 * completed by the next, whoever runs it.
 */
export class PostgresLogSequencer {
  readonly #pool: Pool;
  readonly #where: string;

  private constructor(pool: Pool, where: string) {
    this.#pool = pool;
    this.#where = where;
  }

  /** Connects to the governance store's database (migrated by the store when it opened). */
  static connect(options: PostgresSequencerOptions): PostgresLogSequencer {
    const pool = new Pool({
      connectionString: options.url,
      // Integration holds one connection and claims checkpoints on another.
      max: Math.max(2, options.poolSize),
      connectionTimeoutMillis: options.queryTimeoutMs,
      query_timeout: options.queryTimeoutMs,
      statement_timeout: options.queryTimeoutMs,
      application_name: 'writ-evidence-log',
    });
    // A dropped idle connection must not crash the process; the next query reconnects or fails.
    pool.on('error', () => undefined);
    return new PostgresLogSequencer(pool, describePostgresTarget(options.url) ?? 'postgresql://(unparsable URL)');
  }

  /**
   * Sequences `entries` as one transaction: the counter row is locked (appends on every host
   * take turns here), the entries are inserted at the indices it gives, and the commit makes
   * them durable. A log of another origin is LOG_ORIGIN_MISMATCH; a database that fails is
   * GOVERNANCE_STORE_UNAVAILABLE, with nothing sequenced.
   */
  async sequence(origin: string, entries: readonly EvidenceEntry[]): Promise<{ readonly indices: readonly number[] }> {
    const encoded = entries.map((entry) => encodeEvidenceEntry(entry));
    if (encoded.length === 0) return { indices: [] };
    return this.#transaction(async (client) => {
      const { rows } = await client.query(
        'UPDATE evidence_log_state SET origin = COALESCE(origin, $2), sequenced = sequenced + $1 WHERE singleton = 1 RETURNING origin, sequenced',
        [encoded.length, origin],
      );
      const state = rows[0] as Row | undefined;
      if (state === undefined) throw new WritError('GOVERNANCE_STORE_UNAVAILABLE', `governance store ${this.#where} has no evidence log state (schema older than version 5)`);
      if (state['origin'] !== origin) throw new WritError('LOG_ORIGIN_MISMATCH', `governance store ${this.#where} sequences log ${String(state['origin'])}, not ${origin}`);
      const first = Number(state['sequenced']) - encoded.length;
      const indices = encoded.map((_, i) => first + i);
      await client.query('INSERT INTO evidence_log_entries (idx, entry) SELECT * FROM unnest($1::bigint[], $2::bytea[])', [indices, encoded]);
      return { indices };
    });
  }

  /** How many entries are sequenced (committed), fleet-wide. */
  async sequenced(): Promise<number> {
    const { rows } = await this.#guard(() => this.#pool.query('SELECT sequenced FROM evidence_log_state WHERE singleton = 1'));
    return Number((rows[0] as Row | undefined)?.['sequenced'] ?? 0);
  }

  /**
   * Integrates every sequenced entry not yet in `log`'s directory, in batches of at most
   * MAX_APPEND_ENTRIES, each published with its checkpoint. With `wait` false it returns
   * undefined at once when another host holds the integration lock (it is integrating);
   * with `wait` true it waits for the lock (up to the query timeout). Resolves with the
   * last append, or the log as it is when there was nothing to integrate.
   */
  async integrate(log: LogDirectory, { wait }: { readonly wait: boolean }): Promise<AppendResult | undefined> {
    return this.#transaction(async (client) => {
      if (wait) await client.query(`SELECT pg_advisory_xact_lock(${INTEGRATION_LOCK_KEY})`);
      else if ((await client.query(`SELECT pg_try_advisory_xact_lock(${INTEGRATION_LOCK_KEY}) AS held`)).rows[0]?.held !== true) return undefined;
      let result: AppendResult | undefined;
      for (;;) {
        result = await log.extend(
          (size) => this.#pendingFrom(client, log.origin, size),
          (size, root) => this.#claimCheckpoint(client, size, root),
        );
        if (result.indices.length < MAX_APPEND_ENTRIES) return result;
      }
    });
  }

  /** Lets the pool go. */
  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** The entries sequenced from index `size` on, at most one append's worth, checked to continue the directory exactly. */
  async #pendingFrom(client: PoolClient, origin: string, size: number): Promise<EvidenceEntry[]> {
    const state = (await client.query('SELECT origin, sequenced FROM evidence_log_state WHERE singleton = 1')).rows[0] as Row | undefined;
    const sequenced = Number(state?.['sequenced'] ?? 0);
    if (sequenced > 0 && state?.['origin'] !== origin) throw new WritError('LOG_ORIGIN_MISMATCH', `governance store ${this.#where} sequences log ${String(state?.['origin'])}, not ${origin}`);
    if (size > sequenced) throw new WritError('LOG_CORRUPT', `the log directory holds ${size} entries, more than the ${sequenced} sequenced in governance store ${this.#where}: it is not this log`);
    const { rows } = await client.query('SELECT idx, entry FROM evidence_log_entries WHERE idx >= $1 ORDER BY idx LIMIT $2', [size, MAX_APPEND_ENTRIES]);
    return rows.map((row: Row, i: number) => {
      // Committed entries are a prefix (the counter's lock is held to commit), so a gap is damage.
      if (Number(row['idx']) !== size + i) throw new WritError('LOG_CORRUPT', `entry ${size + i} is missing from governance store ${this.#where}`);
      return decodeEvidenceEntry(row['entry'] as Buffer);
    });
  }

  /**
   * Records the root of the checkpoint about to be signed for `size`, committed on its own
   * before the checkpoint is published; a size already recorded with another root is
   * LOG_CHECKPOINT_INCONSISTENT, and nothing is signed.
   */
  async #claimCheckpoint(client: PoolClient, size: number, root: Buffer): Promise<void> {
    // Outside the integration's transaction: the claim must outlive this host if it dies after signing.
    await this.#guard(() => this.#pool.query('INSERT INTO evidence_log_checkpoints (size, root) VALUES ($1, $2) ON CONFLICT (size) DO NOTHING', [size, root]));
    const recorded = (await client.query('SELECT root FROM evidence_log_checkpoints WHERE size = $1', [size])).rows[0] as Row | undefined;
    if (!(recorded?.['root'] instanceof Buffer) || !recorded['root'].equals(root)) {
      throw new WritError('LOG_CHECKPOINT_INCONSISTENT', `a checkpoint of size ${size} with another root was already signed for this log: nothing is signed`, { facts: { size } });
    }
  }

  #transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inPostgresTransaction(this.#pool, `evidence log sequencing in governance store ${this.#where}`, work);
  }

  /** A failure of the server or connection is GOVERNANCE_STORE_UNAVAILABLE; Writ's own refusals pass through. */
  #guard<T>(run: () => Promise<T>): Promise<T> {
    return guardPostgres(`evidence log sequencing in governance store ${this.#where}`, run);
  }
}
