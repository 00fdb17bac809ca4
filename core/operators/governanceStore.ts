import type { StatementSync } from 'node:sqlite';
import { openDatabase, type StoreDatabase } from '../storage/openDatabase';
import { WritError } from '../errors/writError';

const SCHEMA = {
  kind: 'writ-governance',
  version: 1,
  ddl: `
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
};

/** A recorded revocation of one run's authority. */
export interface Revocation {
  /** The revoked run's workflow id. */
  readonly workflowId: string;
  /** The revoked run: revocation is per run, so a new run of the workflow id is not revoked. */
  readonly runId: string;
  /** When it was revoked (ISO 8601). */
  readonly revokedAt: string;
  /** The operator who signed the revocation. */
  readonly revokedBy: string;
  /** Why, as the operator stated it. */
  readonly reason: string;
  /** `sha256:<hex>` of the signed statement, which the run's history holds. */
  readonly statementDigest: string;
}

/** The kill switch of a namespace: engaged or not, and the last change. */
export interface KillSwitchState {
  /** While true, nothing in the namespace is authorized or executed. */
  readonly engaged: boolean;
  /** When the last change was made (ISO 8601), or null when the switch was never used. */
  readonly since: string | null;
  /** The operator who made the last change, or null. */
  readonly by: string | null;
  /** Why, as that operator stated it, or null. */
  readonly reason: string | null;
}

/**
 * Revocations and the kill switch, shared by every worker that reads the same file (a
 * SQLite file on one host; a shared database at scale). Authorization and the
 * enforcement point both consult it; if it cannot be read they deny
 * (GOVERNANCE_STORE_UNAVAILABLE), never assume "not revoked".
 */
export class GovernanceStore {
  // Prepared once: the standing check runs before every authorization and execution.
  private readonly insertRevocation: StatementSync;
  private readonly selectRevocation: StatementSync;
  private readonly insertKillSwitchEvent: StatementSync;
  private readonly selectKillSwitch: StatementSync;

  private constructor(private readonly db: StoreDatabase) {
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
  }

  /** Opens (creating if needed) the store at `file`. */
  static open(file: string): GovernanceStore {
    return new GovernanceStore(openDatabase(file, SCHEMA));
  }

  /** Records a revocation; revoking twice keeps the first. */
  revoke(revocation: Revocation): Revocation {
    this.guard(() =>
      this.insertRevocation.run(revocation.runId, revocation.workflowId, revocation.revokedAt, revocation.revokedBy, revocation.reason, revocation.statementDigest),
    );
    return this.revocation(revocation.runId)!;
  }

  /** The revocation of `runId`, if any. */
  revocation(runId: string): Revocation | undefined {
    const row = this.guard(() => this.selectRevocation.get(runId)) as Record<string, string> | undefined;
    return row === undefined
      ? undefined
      : { workflowId: row['workflow_id']!, runId: row['run_id']!, revokedAt: row['revoked_at']!, revokedBy: row['revoked_by']!, reason: row['reason']!, statementDigest: row['statement_digest']! };
  }

  /** Appends a kill-switch change; the latest change is the state. */
  setKillSwitch(change: { namespace: string; engaged: boolean; at: string; by: string; reason: string; statementDigest: string }): KillSwitchState {
    this.guard(() =>
      this.insertKillSwitchEvent.run(change.namespace, change.engaged ? 1 : 0, change.at, change.by, change.reason, change.statementDigest),
    );
    return this.killSwitch(change.namespace);
  }

  /** The kill switch of `namespace`. */
  killSwitch(namespace: string): KillSwitchState {
    const row = this.guard(() => this.selectKillSwitch.get(namespace)) as Record<string, string | number> | undefined;
    if (row === undefined) return { engaged: false, since: null, by: null, reason: null };
    return { engaged: row['engaged'] === 1, since: String(row['at']), by: String(row['by']), reason: String(row['reason']) };
  }

  /**
   * Throws KILL_SWITCH_ENGAGED or AUTHORITY_REVOKED when work in `namespace` for `runId`
   * must stop. Called before every authorization and every governed execution.
   */
  requireStanding(namespace: string, runId: string): void {
    const halt = this.killSwitch(namespace);
    if (halt.engaged) throw new WritError('KILL_SWITCH_ENGAGED', `the kill switch of namespace ${namespace} is engaged (by ${halt.by}: ${halt.reason})`);
    const revoked = this.revocation(runId);
    if (revoked) throw new WritError('AUTHORITY_REVOKED', `the authority of run ${runId} was revoked by ${revoked.revokedBy}: ${revoked.reason}`);
  }

  /** Closes the file. */
  close(): void {
    this.db.close();
  }

  private guard<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw new WritError('GOVERNANCE_STORE_UNAVAILABLE', `governance store failed: ${(error as Error).message}`);
    }
  }
}
