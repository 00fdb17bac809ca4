import { followsHead, refuseChainClaim, refuseHandoffClaim, refuseReregistration, refuseUnregistered } from './runRefusals';
import type { ChainAdvance, ChainHead, HandoffClaim, HandoffOffer, HandoffOffered, RegisteredRun, RunOrigin, RunRegistration } from './runRegistry';
import { registeredRunRow, runRowValues } from './registeredRunRow';

/** Schema version 3 of the PostgreSQL governance store: verified runs, their chain heads, hand-offs. */
export const POSTGRES_RUN_REGISTRY_MIGRATION = `
  CREATE TABLE runs (
    namespace TEXT NOT NULL,
    run_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    identity TEXT NOT NULL,
    origin TEXT NOT NULL,
    parent TEXT,
    registered_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    sequence INTEGER NOT NULL,
    head TEXT,
    advanced_by TEXT,
    before_sequence INTEGER,
    before_head TEXT,
    PRIMARY KEY (namespace, run_id)
  );
  CREATE INDEX runs_expiry ON runs (expires_at);
  CREATE TABLE handoffs (
    handoff_id TEXT PRIMARY KEY,
    namespace TEXT NOT NULL,
    from_run_id TEXT NOT NULL,
    to_workflow_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT,
    offered_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    claimed_by TEXT
  );
  CREATE INDEX handoffs_expiry ON handoffs (expires_at);
`;

type Row = Record<string, unknown>;

/** Runs one statement; within `transaction`, on the transaction's connection. */
export type PostgresQuery = (text: string, values: readonly unknown[]) => Promise<Row[]>;

/** How the registry reaches the database: single statements, and transactions on one connection. */
export interface PostgresAccess {
  readonly query: PostgresQuery;
  transaction<T>(work: (query: PostgresQuery) => Promise<T>): Promise<T>;
}

const SELECT_RUN = 'SELECT * FROM runs WHERE namespace = $1 AND run_id = $2';

/**
 * The run registry of the PostgreSQL governance store. A chain link is taken by one
 * conditional UPDATE (the row lock orders racing hosts); a hand-off is taken up inside a
 * transaction holding the hand-off's row lock (SELECT ... FOR UPDATE), so one run gets it.
 */
export class PostgresRunRegistry {
  constructor(private readonly db: PostgresAccess) {}

  /** {@inheritDoc GovernanceStore.registerRun} */
  async registerRun(registration: RunRegistration): Promise<RegisteredRun> {
    return this.insert(this.db.query, registration);
  }

  /** {@inheritDoc GovernanceStore.registeredRun} */
  async registeredRun(namespace: string, runId: string): Promise<RegisteredRun | undefined> {
    const [row] = await this.db.query(SELECT_RUN, [namespace, runId]);
    return row === undefined ? undefined : registeredRunRow(row);
  }

  /** {@inheritDoc GovernanceStore.advanceChain} */
  async advanceChain(advance: ChainAdvance): Promise<ChainHead> {
    const { namespace, runId, claimed, next, by } = advance;
    const [taken] = await this.db.query(
      `UPDATE runs SET before_sequence = sequence, before_head = head, advanced_by = $3, sequence = $4, head = $5
       WHERE namespace = $1 AND run_id = $2 AND sequence = $4 - 1 AND head IS NOT DISTINCT FROM $6
       RETURNING sequence`,
      [namespace, runId, by, claimed.sequence, next, claimed.previous],
    );
    if (taken !== undefined) return { sequence: claimed.sequence, head: next };
    // The same authorize activity retried after its first attempt took the link.
    const [retaken] = await this.db.query(
      `UPDATE runs SET head = $4
       WHERE namespace = $1 AND run_id = $2 AND advanced_by = $3 AND sequence = $5 AND before_sequence = $5 - 1 AND before_head IS NOT DISTINCT FROM $6
       RETURNING sequence`,
      [namespace, runId, by, next, claimed.sequence, claimed.previous],
    );
    if (retaken !== undefined) return { sequence: claimed.sequence, head: next };
    const run = await this.registeredRun(namespace, runId);
    if (run === undefined) return refuseUnregistered(namespace, runId);
    return refuseChainClaim(advance, run.chain);
  }

  /** {@inheritDoc GovernanceStore.offerHandoff} */
  async offerHandoff(offer: HandoffOffer): Promise<HandoffOffered> {
    // The head is read in the same statement that records it: no authorization of the
    // offering run can slip between the read and the write.
    await this.db.query(
      `INSERT INTO handoffs (handoff_id, namespace, from_run_id, to_workflow_id, kind, parent, offered_at, expires_at)
       SELECT $1, $2, $3, $4, $5, r.head, $6, r.expires_at FROM runs AS r WHERE r.namespace = $2 AND r.run_id = $3
       ON CONFLICT (handoff_id) DO NOTHING`,
      [offer.handoffId, offer.namespace, offer.fromRunId, offer.toWorkflowId, offer.kind, offer.offeredAt],
    );
    const [row] = await this.db.query('SELECT parent FROM handoffs WHERE handoff_id = $1', [offer.handoffId]);
    if (row === undefined) return refuseUnregistered(offer.namespace, offer.fromRunId);
    return { handoffId: offer.handoffId, parent: (row['parent'] as string | null) ?? null };
  }

  /** {@inheritDoc GovernanceStore.claimHandoff} */
  async claimHandoff(claim: HandoffClaim): Promise<RegisteredRun> {
    return this.db.transaction(async (query) => {
      const [row] = await query('SELECT * FROM handoffs WHERE handoff_id = $1 FOR UPDATE', [claim.handoffId]);
      refuseHandoffClaim(claim, row === undefined ? undefined : { namespace: String(row['namespace']), toWorkflowId: String(row['to_workflow_id']), claimedBy: (row['claimed_by'] as string | null) ?? null });
      const fromRunId = String(row!['from_run_id']);
      const [from] = await query(SELECT_RUN, [claim.namespace, fromRunId]);
      if (from === undefined) return refuseUnregistered(claim.namespace, fromRunId);
      await query('UPDATE handoffs SET claimed_by = $2 WHERE handoff_id = $1', [claim.handoffId, claim.runId]);
      return this.insert(query, {
        namespace: claim.namespace,
        workflowId: claim.workflowId,
        runId: claim.runId,
        identity: registeredRunRow(from).identity,
        origin: String(row!['kind']) as RunOrigin,
        parent: (row!['parent'] as string | null) ?? null,
        registeredAt: claim.claimedAt,
      });
    });
  }

  /** Forgets runs and hand-offs whose identity expired before `before`; returns how many. */
  async pruneExpired(before: Date): Promise<number> {
    const at = before.toISOString();
    const runs = await this.db.query('WITH gone AS (DELETE FROM runs WHERE expires_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone', [at]);
    const handoffs = await this.db.query('WITH gone AS (DELETE FROM handoffs WHERE expires_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone', [at]);
    return Number(runs[0]?.['n'] ?? 0) + Number(handoffs[0]?.['n'] ?? 0);
  }

  private async insert(query: PostgresQuery, registration: RunRegistration): Promise<RegisteredRun> {
    const [inserted] = await query(
      `INSERT INTO runs (namespace, run_id, workflow_id, identity, origin, parent, registered_at, expires_at, sequence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) ON CONFLICT (namespace, run_id) DO NOTHING RETURNING *`,
      runRowValues(registration),
    );
    if (inserted !== undefined) return registeredRunRow(inserted);
    // A separate statement: under READ COMMITTED it sees the row a racing host committed.
    const [row] = await query(SELECT_RUN, [registration.namespace, registration.runId]);
    const existing = registeredRunRow(row!);
    refuseReregistration(registration, existing);
    return existing;
  }
}
