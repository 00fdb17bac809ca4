import type { StatementSync } from 'node:sqlite';
import { immediateTransaction, openDatabase, type StoreDatabase, type StoreSchema } from '../storage/openDatabase';
import { WritError } from '../errors/writError';
import type { ArtifactExecution, GovernanceStore, KillSwitchChange, KillSwitchState, Revocation, StatementUse } from './governanceStore';
import { killSwitchApplies, refuseReplay, refuseStale, refuseStanding, refuseSurplusExecution } from './storeRefusals';
import type { ChainAdvance, ChainHead, HandoffClaim, HandoffOffer, HandoffOffered, RegisteredRun, RunRegistration } from './runRegistry';
import { SQLITE_RUN_REGISTRY_MIGRATION, SqliteRunRegistry } from './sqliteRunRegistry';
import { SQLITE_PASSKEY_REGISTRY_MIGRATION, SqlitePasskeyRegistry } from './sqlitePasskeyRegistry';
import type { PasskeyAssertionUse, PasskeyBinding } from './passkeyRegistry';

/** The governance store's SQLite schema, one entry per version (see StoreSchema). */
export const SQLITE_GOVERNANCE_SCHEMA: StoreSchema = {
  kind: 'writ-governance',
  migrations: [
    // 1: revocations and the kill switch.
    `
    CREATE TABLE revocations (
      run_id TEXT PRIMARY KEY,
      workflow_id TEXT NOT NULL,
      revoked_at TEXT NOT NULL,
      revoked_by TEXT NOT NULL,
      reason TEXT NOT NULL,
      statement_digest TEXT NOT NULL
    ) STRICT;
    CREATE TABLE kill_switch_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      namespace TEXT NOT NULL,
      engaged INTEGER NOT NULL,
      at TEXT NOT NULL,
      by TEXT NOT NULL,
      reason TEXT NOT NULL,
      statement_digest TEXT NOT NULL
    ) STRICT;
    `,
    // 2: the single-use registry of signed statements and executions per artifact.
    `
    CREATE TABLE statement_uses (
      statement_id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      consumer TEXT NOT NULL,
      statement_digest TEXT NOT NULL,
      used_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE artifact_executions (
      artifact_id TEXT PRIMARY KEY,
      executions INTEGER NOT NULL,
      expires_at TEXT NOT NULL
    ) STRICT;
    `,
    // 3: verified runs with their lineage chain heads, and identity hand-offs.
    SQLITE_RUN_REGISTRY_MIGRATION,
    // 4: operators' passkeys and the counters of their assertions.
    SQLITE_PASSKEY_REGISTRY_MIGRATION,
  ],
};

type Row = Record<string, string | number | null>;

/**
 * The governance store in a SQLite file (`node:sqlite`): the embedded default, shared by
 * every worker process on one host. Statements are prepared once, since the standing
 * check runs before every authorization and execution; single-use and execution counts
 * are read-then-written inside IMMEDIATE transactions, so two processes cannot both win.
 */
export class SqliteGovernanceStore implements GovernanceStore {
  /** Always `sqlite`. */
  readonly backend = 'sqlite' as const;
  private readonly insertRevocation: StatementSync;
  private readonly selectRevocation: StatementSync;
  private readonly insertKillSwitchEvent: StatementSync;
  private readonly selectKillSwitch: StatementSync;
  private readonly insertStatementUse: StatementSync;
  private readonly selectStatementUse: StatementSync;
  private readonly selectExecutions: StatementSync;
  private readonly upsertExecutions: StatementSync;
  private readonly deleteExpiredExecutions: StatementSync;
  private readonly runs: SqliteRunRegistry;
  private readonly passkeys: SqlitePasskeyRegistry;

  private constructor(private readonly db: StoreDatabase) {
    this.runs = new SqliteRunRegistry(db);
    this.passkeys = new SqlitePasskeyRegistry(db);
    this.insertRevocation = db.prepare(
      `INSERT INTO revocations (run_id, workflow_id, revoked_at, revoked_by, reason, statement_digest)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING`,
    );
    this.selectRevocation = db.prepare('SELECT * FROM revocations WHERE run_id = ?');
    this.insertKillSwitchEvent = db.prepare('INSERT INTO kill_switch_events (namespace, engaged, at, by, reason, statement_digest) VALUES (?, ?, ?, ?, ?, ?)');
    // `+namespace`: the same rows, but SQLite 3.54 (bundled with Node 24.22 and 22.23) would
    // otherwise re-prepare this statement at every execution, its planner having noted the
    // bound namespace (a 4-7 µs parse on each standing check). The table has no index on
    // namespace for the unary + to turn off; the plan is the same reverse scan of seq.
    this.selectKillSwitch = db.prepare('SELECT * FROM kill_switch_events WHERE +namespace = ? ORDER BY seq DESC LIMIT 1');
    this.insertStatementUse = db.prepare(
      'INSERT INTO statement_uses (statement_id, kind, consumer, statement_digest, used_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (statement_id) DO NOTHING',
    );
    this.selectStatementUse = db.prepare('SELECT * FROM statement_uses WHERE statement_id = ?');
    this.selectExecutions = db.prepare('SELECT executions FROM artifact_executions WHERE artifact_id = ?');
    this.upsertExecutions = db.prepare(
      `INSERT INTO artifact_executions (artifact_id, executions, expires_at) VALUES (?, 1, ?)
       ON CONFLICT (artifact_id) DO UPDATE SET executions = executions + 1`,
    );
    this.deleteExpiredExecutions = db.prepare('DELETE FROM artifact_executions WHERE expires_at < ?');
  }

  /** Opens (creating or migrating if needed) the store at `file`. */
  static open(file: string): SqliteGovernanceStore {
    return new SqliteGovernanceStore(openDatabase(file, SQLITE_GOVERNANCE_SCHEMA));
  }

  /** {@inheritDoc GovernanceStore.revoke} */
  async revoke(revocation: Revocation): Promise<Revocation> {
    this.guard(() =>
      this.insertRevocation.run(revocation.runId, revocation.workflowId, revocation.revokedAt, revocation.revokedBy, revocation.reason, revocation.statementDigest),
    );
    return (await this.revocation(revocation.runId))!;
  }

  /** {@inheritDoc GovernanceStore.revocation} */
  async revocation(runId: string): Promise<Revocation | undefined> {
    return this.readRevocation(runId);
  }

  /** {@inheritDoc GovernanceStore.setKillSwitch} */
  async setKillSwitch(change: KillSwitchChange): Promise<KillSwitchState> {
    // Read and append in one IMMEDIATE transaction: no other process's change can come
    // between the state a lift was checked against and the lift.
    return this.guard(() =>
      immediateTransaction(this.db, () => {
        const current = this.readKillSwitch(change.namespace);
        if (!killSwitchApplies(change, current)) return current;
        this.insertKillSwitchEvent.run(change.namespace, change.engaged ? 1 : 0, change.at, change.by, change.reason, change.statementDigest);
        return this.readKillSwitch(change.namespace);
      }),
    );
  }

  /** {@inheritDoc GovernanceStore.killSwitch} */
  async killSwitch(namespace: string): Promise<KillSwitchState> {
    return this.readKillSwitch(namespace);
  }

  /** {@inheritDoc GovernanceStore.requireStanding} */
  async requireStanding(namespace: string, runId: string): Promise<void> {
    refuseStanding(namespace, runId, this.readKillSwitch(namespace), this.readRevocation(runId));
  }

  /** {@inheritDoc GovernanceStore.useStatement} */
  async useStatement(use: StatementUse): Promise<void> {
    const first = this.guard(() =>
      immediateTransaction(this.db, () => {
        const recorded = this.selectStatementUse.get(use.statementId) as Row | undefined;
        if (recorded !== undefined) return recorded;
        refuseStale(use);
        this.insertStatementUse.run(use.statementId, use.kind, use.consumer, use.statementDigest, use.usedAt);
        return this.selectStatementUse.get(use.statementId) as Row;
      }),
    );
    refuseReplay(use, { consumer: String(first['consumer']), usedAt: String(first['used_at']) });
  }

  /** {@inheritDoc GovernanceStore.countExecution} */
  async countExecution(execution: ArtifactExecution): Promise<number> {
    return this.guard(() =>
      immediateTransaction(this.db, () => {
        const row = this.selectExecutions.get(execution.artifactId) as Row | undefined;
        const made = row === undefined ? 0 : Number(row['executions']);
        refuseSurplusExecution(execution, made);
        this.upsertExecutions.run(execution.artifactId, execution.expiresAt);
        return made + 1;
      }),
    );
  }

  /** {@inheritDoc GovernanceStore.registerRun} */
  async registerRun(registration: RunRegistration): Promise<RegisteredRun> {
    return this.guard(() => this.runs.registerRun(registration));
  }

  /** {@inheritDoc GovernanceStore.registeredRun} */
  async registeredRun(namespace: string, runId: string): Promise<RegisteredRun | undefined> {
    return this.guard(() => this.runs.registeredRun(namespace, runId));
  }

  /** {@inheritDoc GovernanceStore.advanceChain} */
  async advanceChain(advance: ChainAdvance): Promise<ChainHead> {
    return this.guard(() => this.runs.advanceChain(advance));
  }

  /** {@inheritDoc GovernanceStore.offerHandoff} */
  async offerHandoff(offer: HandoffOffer): Promise<HandoffOffered> {
    return this.guard(() => this.runs.offerHandoff(offer));
  }

  /** {@inheritDoc GovernanceStore.claimHandoff} */
  async claimHandoff(claim: HandoffClaim): Promise<RegisteredRun> {
    return this.guard(() => this.runs.claimHandoff(claim));
  }

  /** {@inheritDoc GovernanceStore.pruneExpired} */
  async pruneExpired(before: Date): Promise<number> {
    return this.guard(() => Number(this.deleteExpiredExecutions.run(before.toISOString()).changes) + this.runs.pruneExpired(before));
  }

  /** {@inheritDoc GovernanceStore.close} */
  async close(): Promise<void> {
    this.db.close();
  }

  private readRevocation(runId: string): Revocation | undefined {
    const row = this.guard(() => this.selectRevocation.get(runId)) as Record<string, string> | undefined;
    return row === undefined
      ? undefined
      : { workflowId: row['workflow_id']!, runId: row['run_id']!, revokedAt: row['revoked_at']!, revokedBy: row['revoked_by']!, reason: row['reason']!, statementDigest: row['statement_digest']! };
  }

  private readKillSwitch(namespace: string): KillSwitchState {
    const row = this.guard(() => this.selectKillSwitch.get(namespace)) as Row | undefined;
    if (row === undefined) return { engaged: false, since: null, by: null, reason: null, statementDigest: null };
    return { engaged: row['engaged'] === 1, since: String(row['at']), by: String(row['by']), reason: String(row['reason']), statementDigest: String(row['statement_digest']) };
  }

  /** Any failure of the file (closed, locked past the timeout, corrupt) is GOVERNANCE_STORE_UNAVAILABLE; refusals pass as they are. */
  /** {@inheritDoc GovernanceStore.registerPasskey} */
  async registerPasskey(binding: PasskeyBinding): Promise<PasskeyBinding> {
    return this.guard(() => this.passkeys.registerPasskey(binding));
  }

  /** {@inheritDoc GovernanceStore.passkey} */
  async passkey(credentialId: string): Promise<PasskeyBinding | undefined> {
    return this.guard(() => this.passkeys.passkey(credentialId));
  }

  /** {@inheritDoc GovernanceStore.passkeysOf} */
  async passkeysOf(principal: string): Promise<PasskeyBinding[]> {
    return this.guard(() => this.passkeys.passkeysOf(principal));
  }

  /** {@inheritDoc GovernanceStore.recordPasskeyAssertion} */
  async recordPasskeyAssertion(use: PasskeyAssertionUse): Promise<void> {
    this.guard(() => this.passkeys.recordPasskeyAssertion(use));
  }

  private guard<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof WritError) throw error;
      throw new WritError('GOVERNANCE_STORE_UNAVAILABLE', `governance store failed: ${(error as Error).message}`, { cause: error });
    }
  }
}
