import { Pool, type PoolClient } from 'pg';
import { WritError } from '../errors/writError';
import type { ArtifactExecution, GovernanceStore, KillSwitchChange, KillSwitchState, Revocation, StatementUse } from './governanceStore';
import { POSTGRES_GOVERNANCE_MIGRATIONS } from './postgresMigrations';
import { killSwitchApplies, refuseReplay, refuseStale, refuseStanding, refuseSurplusExecution } from './storeRefusals';
import type { ChainAdvance, ChainHead, HandoffClaim, HandoffOffer, HandoffOffered, RegisteredRun, RunRegistration } from './runRegistry';
import { PostgresRunRegistry } from './postgresRunRegistry';
import { PostgresPasskeyRegistry } from './postgresPasskeyRegistry';
import type { PasskeyAssertionUse, PasskeyBinding } from './passkeyRegistry';
import { describePostgresTarget, guardPostgres, inPostgresTransaction } from './postgresAccess';

/** How a PostgreSQL governance store connects. */
export interface PostgresStoreOptions {
  /** A `postgres://` connection URL; its password is never printed. */
  readonly url: string;
  /** Connections this process keeps open. */
  readonly poolSize: number;
  /** A query (or a connection attempt) taking longer fails as GOVERNANCE_STORE_UNAVAILABLE. */
  readonly queryTimeoutMs: number;
}

const STORE_KIND = 'writ-governance';
// Serialises migrations of one database across processes starting together.
const MIGRATION_LOCK = 'SELECT pg_advisory_xact_lock(hashtext($1))';

// Serialises kill-switch changes of one namespace across hosts, for the length of the
// transaction that checks the state in force and appends the change.
const KILL_SWITCH_LOCK = "SELECT pg_advisory_xact_lock(hashtext('writ-kill-switch:' || $1))";
const LATEST_KILL_SWITCH = 'SELECT engaged, at, by, reason, statement_digest FROM kill_switch_events WHERE namespace = $1 ORDER BY seq DESC LIMIT 1';

const META_DDL = `
  CREATE TABLE IF NOT EXISTS writ_store (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    kind TEXT NOT NULL,
    version INTEGER NOT NULL
  )`;

// One round trip per standing check: the namespace's latest kill-switch change and the run's revocation.
const STANDING_QUERY = `
  SELECT k.engaged, k.at, k.by, k.reason, k.statement_digest AS halt_digest,
         r.run_id, r.workflow_id, r.revoked_at, r.revoked_by, r.reason AS revoked_reason, r.statement_digest
  FROM (SELECT 1) AS one
  LEFT JOIN LATERAL (
    SELECT engaged, at, by, reason, statement_digest FROM kill_switch_events WHERE namespace = $1 ORDER BY seq DESC LIMIT 1
  ) AS k ON TRUE
  LEFT JOIN revocations AS r ON r.run_id = $2`;

type Row = Record<string, unknown>;

/**
 * The governance store in PostgreSQL, shared by every host of a fleet. Migrations run
 * when it connects, under an advisory lock; single use and execution counts are single
 * atomic statements (INSERT ... ON CONFLICT), so two hosts cannot both win a race. A
 * server that cannot be reached, or a query past `queryTimeoutMs`, is
 * GOVERNANCE_STORE_UNAVAILABLE; the pool reconnects by itself once the server is back.
 */
export class PostgresGovernanceStore implements GovernanceStore {
  /** Always `postgres`. */
  readonly backend = 'postgres' as const;
  private readonly runs: PostgresRunRegistry;
  private readonly passkeys: PostgresPasskeyRegistry;

  private constructor(
    private readonly pool: Pool,
    private readonly where: string,
  ) {
    const access = {
      query: (text: string, values: readonly unknown[]) => this.query(text, values),
      transaction: <T>(work: (query: (text: string, values: readonly unknown[]) => Promise<Row[]>) => Promise<T>) =>
        this.transaction((client) => work(async (text, values) => (await client.query(text, values as unknown[])).rows as Row[])),
    };
    this.runs = new PostgresRunRegistry(access);
    this.passkeys = new PostgresPasskeyRegistry(access);
  }

  /**
   * Connects, applies any migrations this database lacks, and refuses a newer schema
   * (STORE_SCHEMA_NEWER). A URL that does not parse, or a database already holding other
   * tables, is CONFIG_INVALID; a server that does not answer, GOVERNANCE_STORE_UNAVAILABLE.
   */
  static async connect(options: PostgresStoreOptions): Promise<PostgresGovernanceStore> {
    const where = describePostgresTarget(options.url);
    if (where === undefined) {
      // A URL that cannot be parsed is a configuration mistake, not an outage; and it may
      // hold a password, so it is not repeated.
      throw new WritError('CONFIG_INVALID', 'the governance store URL is not a valid postgres:// URL');
    }
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: options.queryTimeoutMs,
      query_timeout: options.queryTimeoutMs,
      statement_timeout: options.queryTimeoutMs,
      application_name: 'writ',
    });
    // An idle connection the server drops (a restart, a failover) must not crash the
    // process; the next query reconnects or fails as GOVERNANCE_STORE_UNAVAILABLE.
    pool.on('error', () => undefined);
    const store = new PostgresGovernanceStore(pool, where);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return store;
  }

  /** {@inheritDoc GovernanceStore.revoke} */
  async revoke(revocation: Revocation): Promise<Revocation> {
    await this.query(
      `INSERT INTO revocations (run_id, workflow_id, revoked_at, revoked_by, reason, statement_digest)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id) DO NOTHING`,
      [revocation.runId, revocation.workflowId, revocation.revokedAt, revocation.revokedBy, revocation.reason, revocation.statementDigest],
    );
    return (await this.revocation(revocation.runId))!;
  }

  /** {@inheritDoc GovernanceStore.revocation} */
  async revocation(runId: string): Promise<Revocation | undefined> {
    const [row] = await this.query('SELECT run_id, workflow_id, revoked_at, revoked_by, reason AS revoked_reason, statement_digest FROM revocations WHERE run_id = $1', [runId]);
    return row === undefined ? undefined : revocationOf(row);
  }

  /** {@inheritDoc GovernanceStore.setKillSwitch} */
  async setKillSwitch(change: KillSwitchChange): Promise<KillSwitchState> {
    // One transaction under the namespace's advisory lock: a lift racing an engage on
    // another host either sees that halt and is refused, or is applied before it.
    return this.transaction(async (client) => {
      await client.query(KILL_SWITCH_LOCK, [change.namespace]);
      const current = killSwitchOf((await client.query(LATEST_KILL_SWITCH, [change.namespace])).rows[0] as Row | undefined);
      if (!killSwitchApplies(change, current)) return current;
      await client.query('INSERT INTO kill_switch_events (namespace, engaged, at, by, reason, statement_digest) VALUES ($1, $2, $3, $4, $5, $6)', [
        change.namespace,
        change.engaged,
        change.at,
        change.by,
        change.reason,
        change.statementDigest,
      ]);
      return killSwitchOf((await client.query(LATEST_KILL_SWITCH, [change.namespace])).rows[0] as Row | undefined);
    });
  }

  /** {@inheritDoc GovernanceStore.killSwitch} */
  async killSwitch(namespace: string): Promise<KillSwitchState> {
    const [row] = await this.query(LATEST_KILL_SWITCH, [namespace]);
    return killSwitchOf(row);
  }

  /** {@inheritDoc GovernanceStore.requireStanding} */
  async requireStanding(namespace: string, runId: string): Promise<void> {
    const [row] = await this.query(STANDING_QUERY, [namespace, runId]);
    const halt = row === undefined || row['engaged'] === null ? undefined : { ...row, statement_digest: row['halt_digest'] };
    refuseStanding(namespace, runId, killSwitchOf(halt), row?.['run_id'] === null ? undefined : revocationOf(row!));
  }

  /** {@inheritDoc GovernanceStore.useStatement} */
  async useStatement(use: StatementUse): Promise<void> {
    // Inserted only when fresh: a stale statement leaves no record, so it can never pass
    // later as the re-presentation of a recorded use.
    await this.query(
      `INSERT INTO statement_uses (statement_id, kind, consumer, statement_digest, used_at)
       SELECT $1, $2, $3, $4, $5 WHERE $6::timestamptz >= $7::timestamptz
       ON CONFLICT (statement_id) DO NOTHING`,
      [use.statementId, use.kind, use.consumer, use.statementDigest, use.usedAt, use.issuedAt, use.freshSince],
    );
    // A separate statement: under READ COMMITTED it sees a row a racing host committed
    // while the insert waited on it, which the insert's own snapshot would not.
    const [first] = await this.query('SELECT consumer, used_at FROM statement_uses WHERE statement_id = $1', [use.statementId]);
    // No row: nobody used it and the insert found it stale (rows are never deleted).
    if (first === undefined) {
      refuseStale(use);
      throw new WritError('GOVERNANCE_STORE_UNAVAILABLE', `governance store ${this.where} recorded no use of statement ${use.statementId}`);
    }
    refuseReplay(use, { consumer: String(first!['consumer']), usedAt: isoOf(first!['used_at']) });
  }

  /** {@inheritDoc GovernanceStore.countExecution} */
  async countExecution(execution: ArtifactExecution): Promise<number> {
    // The conflict branch re-reads the locked row, so racing executions on two hosts
    // count one after the other and never past maxAttempts.
    const [row] = await this.query(
      `INSERT INTO artifact_executions (artifact_id, executions, expires_at) VALUES ($1, 1, $3)
       ON CONFLICT (artifact_id) DO UPDATE SET executions = artifact_executions.executions + 1
       WHERE artifact_executions.executions < $2
       RETURNING executions`,
      [execution.artifactId, execution.maxAttempts, execution.expiresAt],
    );
    if (row === undefined) refuseSurplusExecution(execution, execution.maxAttempts);
    return Number(row!['executions']);
  }

  /** {@inheritDoc GovernanceStore.registerPasskey} */
  async registerPasskey(binding: PasskeyBinding): Promise<PasskeyBinding> {
    return this.passkeys.registerPasskey(binding);
  }

  /** {@inheritDoc GovernanceStore.passkey} */
  async passkey(credentialId: string): Promise<PasskeyBinding | undefined> {
    return this.passkeys.passkey(credentialId);
  }

  /** {@inheritDoc GovernanceStore.passkeysOf} */
  async passkeysOf(principal: string): Promise<PasskeyBinding[]> {
    return this.passkeys.passkeysOf(principal);
  }

  /** {@inheritDoc GovernanceStore.recordPasskeyAssertion} */
  async recordPasskeyAssertion(use: PasskeyAssertionUse): Promise<void> {
    return this.passkeys.recordPasskeyAssertion(use);
  }

  /** {@inheritDoc GovernanceStore.registerRun} */
  async registerRun(registration: RunRegistration): Promise<RegisteredRun> {
    return this.runs.registerRun(registration);
  }

  /** {@inheritDoc GovernanceStore.registeredRun} */
  async registeredRun(namespace: string, runId: string): Promise<RegisteredRun | undefined> {
    return this.runs.registeredRun(namespace, runId);
  }

  /** {@inheritDoc GovernanceStore.advanceChain} */
  async advanceChain(advance: ChainAdvance): Promise<ChainHead> {
    return this.runs.advanceChain(advance);
  }

  /** {@inheritDoc GovernanceStore.offerHandoff} */
  async offerHandoff(offer: HandoffOffer): Promise<HandoffOffered> {
    return this.runs.offerHandoff(offer);
  }

  /** {@inheritDoc GovernanceStore.claimHandoff} */
  async claimHandoff(claim: HandoffClaim): Promise<RegisteredRun> {
    return this.runs.claimHandoff(claim);
  }

  /** {@inheritDoc GovernanceStore.pruneExpired} */
  async pruneExpired(before: Date): Promise<number> {
    const result = await this.guard(() => this.pool.query('DELETE FROM artifact_executions WHERE expires_at < $1', [before.toISOString()]));
    return (result.rowCount ?? 0) + (await this.runs.pruneExpired(before));
  }

  /** {@inheritDoc GovernanceStore.close} */
  async close(): Promise<void> {
    await this.pool.end();
  }

  private async migrate(): Promise<void> {
    const target = POSTGRES_GOVERNANCE_MIGRATIONS.length;
    const client: PoolClient = await this.guard(() => this.pool.connect());
    try {
      await this.guard(() => client.query('BEGIN'));
      try {
        await this.guard(() => client.query(MIGRATION_LOCK, [STORE_KIND]));
        await this.guard(() => client.query(META_DDL));
        const meta = (await this.guard(() => client.query('SELECT kind, version FROM writ_store WHERE singleton = 1'))).rows[0] as Row | undefined;
        let from = 0;
        if (meta === undefined) {
          await this.refuseForeignDatabase(client);
          await this.guard(() => client.query('INSERT INTO writ_store (singleton, kind, version) VALUES (1, $1, 0)', [STORE_KIND]));
        } else if (meta['kind'] !== STORE_KIND) {
          throw new WritError('CONFIG_INVALID', `${this.where} holds a Writ ${String(meta['kind'])} store, not a governance store`);
        } else if (Number(meta['version']) > target) {
          throw new WritError(
            'STORE_SCHEMA_NEWER',
            `${this.where} holds a governance store at schema version ${String(meta['version'])}, newer than this Writ knows (${target}): upgrade Writ, or point it at another database`,
          );
        } else {
          from = Number(meta['version']);
        }
        for (let version = from; version < target; version++) await this.guard(() => client.query(POSTGRES_GOVERNANCE_MIGRATIONS[version]!));
        if (from < target) await this.guard(() => client.query('UPDATE writ_store SET version = $1 WHERE singleton = 1', [target]));
        await this.guard(() => client.query('COMMIT'));
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }

  /**
   * Someone else's tables where the store would create its own: adding ours would mix two
   * applications' state (and a table of the same name would fail the migration), so the
   * database is refused, as the SQLite store refuses a file that is not its own.
   */
  private async refuseForeignDatabase(client: PoolClient): Promise<void> {
    const { rows } = await this.guard(() =>
      client.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'writ_store' ORDER BY tablename LIMIT 3"),
    );
    if (rows.length > 0) {
      const names = rows.map((row: Row) => String(row['tablename'])).join(', ');
      throw new WritError('CONFIG_INVALID', `${this.where} already holds tables that are not a Writ governance store's (${names}): give the store a database, or a schema, of its own`);
    }
  }

  /** Runs `work` in one transaction on one pooled connection; any failure rolls it back. */
  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inPostgresTransaction(this.pool, `governance store ${this.where}`, work);
  }

  private async query(text: string, values: readonly unknown[]): Promise<Row[]> {
    return (await this.guard(() => this.pool.query(text, values as unknown[]))).rows as Row[];
  }

  /** Any failure of the server or the connection is GOVERNANCE_STORE_UNAVAILABLE, naming host and database, never the password. */
  private guard<T>(run: () => Promise<T>): Promise<T> {
    return guardPostgres(`governance store ${this.where}`, run);
  }
}

function isoOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function killSwitchOf(row: Row | undefined): KillSwitchState {
  if (row === undefined) return { engaged: false, since: null, by: null, reason: null, statementDigest: null };
  return { engaged: row['engaged'] === true, since: isoOf(row['at']), by: String(row['by']), reason: String(row['reason']), statementDigest: String(row['statement_digest']) };
}

function revocationOf(row: Row): Revocation {
  return {
    workflowId: String(row['workflow_id']),
    runId: String(row['run_id']),
    revokedAt: isoOf(row['revoked_at']),
    revokedBy: String(row['revoked_by']),
    reason: String(row['revoked_reason']),
    statementDigest: String(row['statement_digest']),
  };
}

/**
 * `postgresql://host:port/database` for messages: the server's address (the default port
 * spelled out), never the user or password; undefined when the URL does not parse.
 */
