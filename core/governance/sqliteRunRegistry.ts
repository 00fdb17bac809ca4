import type { StatementSync } from 'node:sqlite';
import { immediateTransaction, type StoreDatabase } from '../storage/openDatabase';
import { followsHead, refuseChainClaim, refuseHandoffClaim, refuseReregistration, refuseUnregistered } from './runRefusals';
import type { ChainAdvance, ChainHead, HandoffClaim, HandoffOffer, HandoffOffered, RegisteredRun, RunOrigin, RunRegistration } from './runRegistry';
import { registeredRunRow, runRowValues } from './registeredRunRow';

/** Schema version 3 of the SQLite governance store: verified runs, their chain heads, hand-offs. */
export const SQLITE_RUN_REGISTRY_MIGRATION = `
  CREATE TABLE runs (
    namespace TEXT NOT NULL,
    run_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    identity TEXT NOT NULL,
    origin TEXT NOT NULL,
    parent TEXT,
    registered_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    head TEXT,
    advanced_by TEXT,
    before_sequence INTEGER,
    before_head TEXT,
    PRIMARY KEY (namespace, run_id)
  ) STRICT;
  CREATE TABLE handoffs (
    handoff_id TEXT PRIMARY KEY,
    namespace TEXT NOT NULL,
    from_run_id TEXT NOT NULL,
    to_workflow_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT,
    offered_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    claimed_by TEXT
  ) STRICT;
`;

type Row = Record<string, string | number | null>;

/**
 * The run registry of the SQLite governance store. Every change reads and writes inside
 * one IMMEDIATE transaction, so two processes on the host cannot both take a chain link or
 * both take up a hand-off. The caller wraps each method in its failure guard.
 */
export class SqliteRunRegistry {
  private readonly insertRun: StatementSync;
  private readonly selectRun: StatementSync;
  private readonly takeLink: StatementSync;
  private readonly retakeLink: StatementSync;
  private readonly insertHandoff: StatementSync;
  private readonly selectHandoff: StatementSync;
  private readonly markClaimed: StatementSync;
  private readonly deleteExpiredRuns: StatementSync;
  private readonly deleteExpiredHandoffs: StatementSync;

  constructor(private readonly db: StoreDatabase) {
    this.insertRun = db.prepare(
      `INSERT INTO runs (namespace, run_id, workflow_id, identity, origin, parent, registered_at, expires_at, sequence)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (namespace, run_id) DO NOTHING`,
    );
    this.selectRun = db.prepare('SELECT * FROM runs WHERE namespace = ? AND run_id = ?');
    this.takeLink = db.prepare(
      'UPDATE runs SET before_sequence = sequence, before_head = head, advanced_by = ?, sequence = ?, head = ? WHERE namespace = ? AND run_id = ?',
    );
    this.retakeLink = db.prepare('UPDATE runs SET head = ? WHERE namespace = ? AND run_id = ?');
    this.insertHandoff = db.prepare(
      `INSERT INTO handoffs (handoff_id, namespace, from_run_id, to_workflow_id, kind, parent, offered_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (handoff_id) DO NOTHING`,
    );
    this.selectHandoff = db.prepare('SELECT * FROM handoffs WHERE handoff_id = ?');
    this.markClaimed = db.prepare('UPDATE handoffs SET claimed_by = ? WHERE handoff_id = ?');
    this.deleteExpiredRuns = db.prepare('DELETE FROM runs WHERE expires_at < ?');
    this.deleteExpiredHandoffs = db.prepare('DELETE FROM handoffs WHERE expires_at < ?');
  }

  /** {@inheritDoc GovernanceStore.registerRun} */
  registerRun(registration: RunRegistration): RegisteredRun {
    return immediateTransaction(this.db, () => this.insert(registration));
  }

  /** {@inheritDoc GovernanceStore.registeredRun} */
  registeredRun(namespace: string, runId: string): RegisteredRun | undefined {
    const row = this.selectRun.get(namespace, runId) as Row | undefined;
    return row === undefined ? undefined : registeredRunRow(row);
  }

  /** {@inheritDoc GovernanceStore.advanceChain} */
  advanceChain(advance: ChainAdvance): ChainHead {
    return immediateTransaction(this.db, () => {
      const row = this.selectRun.get(advance.namespace, advance.runId) as Row | undefined;
      if (row === undefined) return refuseUnregistered(advance.namespace, advance.runId);
      const head = { sequence: Number(row['sequence']), head: row['head'] as string | null };
      if (followsHead(advance, head)) {
        this.takeLink.run(advance.by, advance.claimed.sequence, advance.next, advance.namespace, advance.runId);
      } else if (row['advanced_by'] === advance.by && row['before_sequence'] !== null && followsHead(advance, { sequence: Number(row['before_sequence']), head: row['before_head'] as string | null })) {
        this.retakeLink.run(advance.next, advance.namespace, advance.runId);
      } else {
        refuseChainClaim(advance, head);
      }
      return { sequence: advance.claimed.sequence, head: advance.next };
    });
  }

  /** {@inheritDoc GovernanceStore.offerHandoff} */
  offerHandoff(offer: HandoffOffer): HandoffOffered {
    return immediateTransaction(this.db, () => {
      const from = this.registeredRun(offer.namespace, offer.fromRunId);
      if (from === undefined) return refuseUnregistered(offer.namespace, offer.fromRunId);
      const expiresAt = new Date(from.identity.expiresAt * 1000).toISOString();
      this.insertHandoff.run(offer.handoffId, offer.namespace, offer.fromRunId, offer.toWorkflowId, offer.kind, from.chain.head, offer.offeredAt, expiresAt);
      const row = this.selectHandoff.get(offer.handoffId) as Row;
      return { handoffId: offer.handoffId, parent: row['parent'] as string | null };
    });
  }

  /** {@inheritDoc GovernanceStore.claimHandoff} */
  claimHandoff(claim: HandoffClaim): RegisteredRun {
    return immediateTransaction(this.db, () => {
      const row = this.selectHandoff.get(claim.handoffId) as Row | undefined;
      refuseHandoffClaim(claim, row === undefined ? undefined : { namespace: String(row['namespace']), toWorkflowId: String(row['to_workflow_id']), claimedBy: row['claimed_by'] as string | null });
      const from = this.registeredRun(claim.namespace, String(row!['from_run_id']));
      if (from === undefined) return refuseUnregistered(claim.namespace, String(row!['from_run_id']));
      this.markClaimed.run(claim.runId, claim.handoffId);
      return this.insert({
        namespace: claim.namespace,
        workflowId: claim.workflowId,
        runId: claim.runId,
        identity: from.identity,
        origin: String(row!['kind']) as RunOrigin,
        parent: row!['parent'] as string | null,
        registeredAt: claim.claimedAt,
      });
    });
  }

  /** Forgets runs and hand-offs whose identity expired before `before`; returns how many. */
  pruneExpired(before: Date): number {
    const at = before.toISOString();
    return Number(this.deleteExpiredRuns.run(at).changes) + Number(this.deleteExpiredHandoffs.run(at).changes);
  }

  private insert(registration: RunRegistration): RegisteredRun {
    this.insertRun.run(...runRowValues(registration));
    const existing = this.registeredRun(registration.namespace, registration.runId)!;
    refuseReregistration(registration, existing);
    return existing;
  }
}
