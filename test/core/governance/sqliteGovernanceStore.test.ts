import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteGovernanceStore } from '../../../core/governance/sqliteGovernanceStore';
import type { StatementUse } from '../../../core/governance/governanceStore';

describe('SqliteGovernanceStore', () => {
  let dir: string;
  let file: string;
  let store: SqliteGovernanceStore;
  const change = (namespace: string, engaged: boolean, at: string) => ({
    namespace,
    engaged,
    at,
    by: 'ops@example.com',
    reason: `${engaged ? 'engage' : 'release'} ${namespace} at ${at}`,
    statementDigest: `sha256:${at}`,
  });
  const revocation = { workflowId: 'wf-1', runId: 'run-1', revokedAt: '2030-01-01T00:00:00.000Z', revokedBy: 'ops@example.com', reason: 'compromised', statementDigest: 'sha256:r1' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-governance-'));
    file = join(dir, 'governance.sqlite');
    store = SqliteGovernanceStore.open(file);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when kill-switch changes of several namespaces interleave', () => {
    it("reports each namespace's latest change, through this connection and through another one on the file", async () => {
      await store.setKillSwitch(change('payments', true, '2030-01-01T00:00:01.000Z'));
      await store.setKillSwitch(change('infra', true, '2030-01-01T00:00:02.000Z'));
      await store.setKillSwitch(change('payments', false, '2030-01-01T00:00:03.000Z'));
      await store.setKillSwitch(change('infra', false, '2030-01-01T00:00:04.000Z'));
      await store.setKillSwitch(change('infra', true, '2030-01-01T00:00:05.000Z'));
      const reopened = SqliteGovernanceStore.open(file);
      try {
        for (const reader of [store, reopened]) {
          await expect(reader.killSwitch('payments')).resolves.toEqual({ engaged: false, since: '2030-01-01T00:00:03.000Z', by: 'ops@example.com', reason: 'release payments at 2030-01-01T00:00:03.000Z' });
          await expect(reader.killSwitch('infra')).resolves.toEqual({ engaged: true, since: '2030-01-01T00:00:05.000Z', by: 'ops@example.com', reason: 'engage infra at 2030-01-01T00:00:05.000Z' });
          await expect(reader.killSwitch('elsewhere')).resolves.toEqual({ engaged: false, since: null, by: null, reason: null });
        }
      } finally {
        await reopened.close();
      }
      await expect(store.requireStanding('infra', 'run-1')).rejects.toMatchObject({ code: 'KILL_SWITCH_ENGAGED' });
      await expect(store.requireStanding('payments', 'run-1')).resolves.toBeUndefined();
    });
  });

  describe('when a run is revoked twice', () => {
    it('keeps the first revocation and stops the run in every namespace', async () => {
      await expect(store.revoke(revocation)).resolves.toEqual(revocation);
      await expect(store.revoke({ ...revocation, reason: 'again', revokedAt: '2030-01-02T00:00:00.000Z' })).resolves.toEqual(revocation);
      await expect(store.revocation('run-1')).resolves.toEqual(revocation);
      await expect(store.revocation('run-2')).resolves.toBeUndefined();
      await expect(store.requireStanding('payments', 'run-1')).rejects.toMatchObject({ code: 'AUTHORITY_REVOKED' });
      await expect(store.requireStanding('payments', 'run-2')).resolves.toBeUndefined();
    });
  });

  describe('when a statement is used', () => {
    const use: StatementUse = { statementId: 'stmt-1', kind: 'kill-switch', consumer: 'ctl/run-a/1', statementDigest: 'sha256:s1', usedAt: '2030-01-01T00:00:00.000Z' };

    it('lets the same consumer present it again and refuses every other consumer, through any connection', async () => {
      await store.useStatement(use);
      await store.useStatement({ ...use, usedAt: '2030-01-01T00:00:09.000Z' });
      const other = SqliteGovernanceStore.open(file);
      try {
        await expect(other.useStatement({ ...use, consumer: 'ctl/run-b/1' })).rejects.toMatchObject({ code: 'STATEMENT_REPLAYED', facts: { firstUsedBy: 'ctl/run-a/1' } });
        await expect(store.useStatement({ ...use, consumer: 'ctl/run-a/2' })).rejects.toMatchObject({ code: 'STATEMENT_REPLAYED' });
      } finally {
        await other.close();
      }
    });
  });

  describe('when an artifact is executed', () => {
    const execution = { artifactId: 'art-1', maxAttempts: 2, expiresAt: '2030-01-01T00:01:00.000Z' };

    it('counts executions up to maxAttempts across connections and refuses the next without counting it', async () => {
      const other = SqliteGovernanceStore.open(file);
      try {
        await expect(store.countExecution(execution)).resolves.toBe(1);
        await expect(other.countExecution(execution)).resolves.toBe(2);
        await expect(store.countExecution(execution)).rejects.toMatchObject({ code: 'ARTIFACT_ATTEMPTS_EXCEEDED' });
        await expect(other.countExecution(execution)).rejects.toMatchObject({ code: 'ARTIFACT_ATTEMPTS_EXCEEDED' });
        await expect(store.countExecution({ ...execution, artifactId: 'art-2' })).resolves.toBe(1);
      } finally {
        await other.close();
      }
    });

    it('forgets only the counts of artifacts that expired', async () => {
      await store.countExecution(execution);
      await store.countExecution({ ...execution, artifactId: 'art-later', expiresAt: '2030-01-01T00:05:00.000Z' });
      await expect(store.pruneExpired(new Date('2030-01-01T00:02:00.000Z'))).resolves.toBe(1);
      await expect(store.countExecution({ ...execution, artifactId: 'art-later', expiresAt: '2030-01-01T00:05:00.000Z' })).resolves.toBe(2);
    });
  });

  describe('when the store is closed under a reader', () => {
    it('answers GOVERNANCE_STORE_UNAVAILABLE for every question, never "not revoked"', async () => {
      await store.close();
      await expect(store.requireStanding('payments', 'run-1')).rejects.toMatchObject({ code: 'GOVERNANCE_STORE_UNAVAILABLE' });
      await expect(store.useStatement({ statementId: 's', kind: 'approval', consumer: 'c', statementDigest: 'sha256:x', usedAt: '2030-01-01T00:00:00.000Z' })).rejects.toMatchObject({
        code: 'GOVERNANCE_STORE_UNAVAILABLE',
      });
      await expect(store.countExecution({ artifactId: 'a', maxAttempts: 1, expiresAt: '2030-01-01T00:00:00.000Z' })).rejects.toMatchObject({ code: 'GOVERNANCE_STORE_UNAVAILABLE' });
      store = SqliteGovernanceStore.open(file);
    });
  });

  describe('when the file was made by the first version of the store', () => {
    it('migrates it in place, keeping its revocations', async () => {
      await store.revoke(revocation);
      await store.close();
      const { DatabaseSync } = await import('node:sqlite');
      const old = new DatabaseSync(file);
      old.exec('DROP TABLE statement_uses; DROP TABLE artifact_executions; UPDATE writ_store SET version = 1;');
      old.close();
      store = SqliteGovernanceStore.open(file);
      await expect(store.revocation('run-1')).resolves.toEqual(revocation);
      await expect(store.countExecution({ artifactId: 'a', maxAttempts: 1, expiresAt: '2030-01-01T00:00:00.000Z' })).resolves.toBe(1);
    });
  });
});
