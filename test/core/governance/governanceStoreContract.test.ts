import { freshStorePerCase } from '../../support/governance/freshStorePerCase';
import { postgresBackend, sqliteBackend } from '../../support/governance/storeBackends';
import { change, digestAt, EVERY_METHOD, execution, outcome, recordStanding, revocation, use, type ContractMethod } from '../../support/governance/storeFixtures';
import { raceStoreProcesses } from '../../support/governance/storeProcesses';

// One contract, two backends: every case here runs against SQLite (a file in a temporary
// directory) and PostgreSQL (a real server the suite starts, a fresh database per case).

describe.each([sqliteBackend(), postgresBackend()])('the $name governance store', (backend) => {
  const fresh = freshStorePerCase(backend);

  it('names its backend', () => {
    expect(fresh.store.backend).toBe(backend.name);
  });

  describe('when kill-switch changes of several namespaces interleave', () => {
    it("reports each namespace's latest change, through this fresh.store and through another on the same database", async () => {
      await expect(fresh.store.setKillSwitch(change('payments', true, '2030-01-01T00:00:01.000Z'))).resolves.toMatchObject({ engaged: true });
      await fresh.store.setKillSwitch(change('infra', true, '2030-01-01T00:00:02.000Z'));
      await fresh.store.setKillSwitch(change('payments', false, '2030-01-01T00:00:03.000Z', '2030-01-01T00:00:01.000Z'));
      const other = await fresh.openAnother();
      await other.setKillSwitch(change('infra', false, '2030-01-01T00:00:04.000Z', '2030-01-01T00:00:02.000Z'));
      await expect(fresh.store.setKillSwitch(change('infra', true, '2030-01-01T00:00:05.000Z'))).resolves.toEqual({
        engaged: true,
        since: '2030-01-01T00:00:05.000Z',
        by: 'ops@example.com',
        reason: 'engage infra at 2030-01-01T00:00:05.000Z',
        statementDigest: digestAt('2030-01-01T00:00:05.000Z'),
      });
      for (const reader of [fresh.store, other]) {
        await expect(reader.killSwitch('payments')).resolves.toEqual({
          engaged: false,
          since: '2030-01-01T00:00:03.000Z',
          by: 'ops@example.com',
          reason: 'release payments at 2030-01-01T00:00:03.000Z',
          statementDigest: digestAt('2030-01-01T00:00:03.000Z'),
        });
        await expect(reader.killSwitch('infra')).resolves.toMatchObject({ engaged: true, statementDigest: digestAt('2030-01-01T00:00:05.000Z') });
        await expect(reader.killSwitch('elsewhere')).resolves.toEqual({ engaged: false, since: null, by: null, reason: null, statementDigest: null });
        await expect(reader.requireStanding('infra', 'run-1')).rejects.toMatchObject({ code: 'KILL_SWITCH_ENGAGED' });
        await expect(reader.requireStanding('payments', 'run-1')).resolves.toBeUndefined();
      }
    });
  });

  describe('when a run is revoked twice', () => {
    it('keeps the first revocation and stops the run in every namespace, through any store', async () => {
      await expect(fresh.store.revoke(revocation)).resolves.toEqual(revocation);
      const other = await fresh.openAnother();
      await expect(other.revoke({ ...revocation, reason: 'again', revokedBy: 'someone@example.com', revokedAt: '2030-01-02T00:00:00.000Z' })).resolves.toEqual(revocation);
      for (const reader of [fresh.store, other]) {
        await expect(reader.revocation('run-1')).resolves.toEqual(revocation);
        await expect(reader.revocation('run-2')).resolves.toBeUndefined();
        await expect(reader.requireStanding('payments', 'run-1')).rejects.toMatchObject({ code: 'AUTHORITY_REVOKED' });
        await expect(reader.requireStanding('infra', 'run-1')).rejects.toMatchObject({ code: 'AUTHORITY_REVOKED' });
        await expect(reader.requireStanding('payments', 'run-2')).resolves.toBeUndefined();
      }
    });
  });

  describe('when the kill switch is engaged for a revoked run', () => {
    it('refuses with KILL_SWITCH_ENGAGED, then AUTHORITY_REVOKED once the switch is lifted', async () => {
      await fresh.store.revoke(revocation);
      await fresh.store.setKillSwitch(change('payments', true, '2030-01-01T00:00:01.000Z'));
      await expect(fresh.store.requireStanding('payments', 'run-1')).rejects.toMatchObject({ code: 'KILL_SWITCH_ENGAGED' });
      await fresh.store.setKillSwitch(change('payments', false, '2030-01-01T00:00:02.000Z', '2030-01-01T00:00:01.000Z'));
      await expect(fresh.store.requireStanding('payments', 'run-1')).rejects.toMatchObject({ code: 'AUTHORITY_REVOKED' });
    });
  });

  describe('when a lift does not name the halt in force', () => {
    const first = '2030-01-01T00:00:01.000Z';
    const second = '2030-01-01T00:00:03.000Z';

    it('refuses a lift of an earlier halt with KILL_SWITCH_STATE_MISMATCH and keeps the switch engaged, through any store', async () => {
      await fresh.store.setKillSwitch(change('payments', true, first));
      await fresh.store.setKillSwitch(change('payments', false, '2030-01-01T00:00:02.000Z', first));
      await fresh.store.setKillSwitch(change('payments', true, second));
      const other = await fresh.openAnother();
      // A lift signed for the first halt, delivered after the second.
      await expect(other.setKillSwitch(change('payments', false, '2030-01-01T00:00:04.000Z', first))).rejects.toMatchObject({
        code: 'KILL_SWITCH_STATE_MISMATCH',
        facts: { namespace: 'payments', lifts: digestAt(first), inForce: digestAt(second) },
      });
      await expect(fresh.store.killSwitch('payments')).resolves.toMatchObject({ engaged: true, statementDigest: digestAt(second) });
      await expect(fresh.store.requireStanding('payments', 'run-1')).rejects.toMatchObject({ code: 'KILL_SWITCH_ENGAGED' });
    });

    it('refuses a lift when nothing is engaged, and one that names no halt', async () => {
      await expect(fresh.store.setKillSwitch(change('payments', false, second, first))).rejects.toMatchObject({ code: 'KILL_SWITCH_STATE_MISMATCH', facts: { inForce: null } });
      await fresh.store.setKillSwitch(change('payments', true, first));
      await expect(fresh.store.setKillSwitch(change('payments', false, second))).rejects.toMatchObject({ code: 'KILL_SWITCH_STATE_MISMATCH', facts: { lifts: null } });
      await expect(fresh.store.killSwitch('payments')).resolves.toMatchObject({ engaged: true, statementDigest: digestAt(first) });
      await expect(fresh.store.killSwitch('elsewhere')).resolves.toMatchObject({ engaged: false, statementDigest: null });
    });

    it('applies the change in force again as nothing (a retried activity), and refuses it once another change followed', async () => {
      await fresh.store.setKillSwitch(change('payments', true, first));
      const lift = change('payments', false, '2030-01-01T00:00:02.000Z', first);
      await fresh.store.setKillSwitch(lift);
      await expect(fresh.store.setKillSwitch(lift)).resolves.toMatchObject({ engaged: false, statementDigest: lift.statementDigest });
      await fresh.store.setKillSwitch(change('payments', true, second));
      await expect(fresh.store.setKillSwitch(lift)).rejects.toMatchObject({ code: 'KILL_SWITCH_STATE_MISMATCH' });
    });

    it('never lets a lift racing a new halt on another store end that halt', async () => {
      const other = await fresh.openAnother();
      for (let round = 0; round < 10; round++) {
        const halt = `2030-01-01T00:0${round}:01.000Z`;
        const next = `2030-01-01T00:0${round}:02.000Z`;
        await fresh.store.setKillSwitch(change('payments', true, halt));
        const [lifted, halted] = await Promise.all([outcome(fresh.store.setKillSwitch(change('payments', false, `2030-01-01T00:0${round}:03.000Z`, halt))), outcome(other.setKillSwitch(change('payments', true, next)))]);
        expect(halted).toHaveProperty('value');
        // Either the lift came first and the new halt followed it, or it was refused: the
        // namespace ends under the new halt either way.
        if ('code' in lifted) expect(lifted).toEqual({ code: 'KILL_SWITCH_STATE_MISMATCH' });
        await expect(fresh.store.killSwitch('payments')).resolves.toMatchObject({ engaged: true, statementDigest: digestAt(next) });
        await fresh.store.setKillSwitch(change('payments', false, `2030-01-01T00:0${round}:04.000Z`, next));
      }
    });
  });

  describe('when a statement is used', () => {
    it('records the first use, lets the same consumer present it again and refuses every other consumer, through any store', async () => {
      await expect(fresh.store.useStatement(use)).resolves.toBeUndefined();
      await expect(fresh.store.useStatement({ ...use, usedAt: '2030-01-01T00:00:09.000Z' })).resolves.toBeUndefined();
      const other = await fresh.openAnother();
      await expect(other.useStatement(use)).resolves.toBeUndefined();
      await expect(other.useStatement({ ...use, consumer: 'wf-b/run-b/3' })).rejects.toMatchObject({
        code: 'STATEMENT_REPLAYED',
        facts: { statementId: 'stmt-1', firstUsedBy: 'wf-a/run-a/3' },
      });
      await expect(fresh.store.useStatement({ ...use, consumer: 'wf-a/run-a/4' })).rejects.toMatchObject({ code: 'STATEMENT_REPLAYED' });
      await expect(fresh.store.useStatement({ ...use, statementId: 'stmt-2', consumer: 'wf-b/run-b/3' })).resolves.toBeUndefined();
    });

    it('refuses a first use of a statement issued before freshSince with STATEMENT_STALE, recording nothing', async () => {
      const stale = { ...use, issuedAt: '2029-12-31T23:54:59.000Z' };
      await expect(fresh.store.useStatement(stale)).rejects.toMatchObject({ code: 'STATEMENT_STALE', facts: { statementId: 'stmt-1' } });
      // Nothing was recorded: another consumer's first use, fresh by its own window, is not a replay.
      const other = await fresh.openAnother();
      await expect(other.useStatement({ ...stale, consumer: 'wf-b/run-b/3', freshSince: '2029-12-31T23:50:00.000Z' })).resolves.toBeUndefined();
    });

    it('lets the consumer that first used it present it again however old it is by then, and no other', async () => {
      await fresh.store.useStatement(use);
      const later = { ...use, usedAt: '2030-01-01T02:00:00.000Z', freshSince: '2030-01-01T01:55:00.000Z' };
      const other = await fresh.openAnother();
      await expect(other.useStatement(later)).resolves.toBeUndefined();
      await expect(other.useStatement({ ...later, consumer: 'wf-b/run-b/3' })).rejects.toMatchObject({ code: 'STATEMENT_REPLAYED' });
    });

    it('lets exactly one of several stores racing to use it win, and only that consumer after', async () => {
      const racers = [fresh.store, await fresh.openAnother(), await fresh.openAnother()];
      for (let round = 0; round < 10; round++) {
        const statementId = `stmt-race-${round}`;
        const outcomes = await Promise.all(racers.map((racer, i) => outcome(racer.useStatement({ ...use, statementId, consumer: `consumer-${i}` }))));
        const winners = outcomes.flatMap((each, i) => ('value' in each ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(outcomes.filter((each) => 'code' in each)).toEqual(Array(racers.length - 1).fill({ code: 'STATEMENT_REPLAYED' }));
        const again = await Promise.all(racers.map((racer, i) => outcome(racer.useStatement({ ...use, statementId, consumer: `consumer-${i}` }))));
        expect(again.map((each) => 'value' in each)).toEqual(racers.map((_, i) => i === winners[0]));
      }
    });

    it('lets exactly one of several processes racing to use it win', async () => {
      const outcomes = await raceStoreProcesses(
        [0, 1, 2, 3].map((i) => ({ config: fresh.location.config, dataDir: fresh.location.dataDir, op: 'useStatement' as const, use: { ...use, consumer: `process-${i}` } })),
      );
      const flat = outcomes.flat();
      expect(flat.filter((each) => 'value' in each)).toHaveLength(1);
      expect(flat.filter((each) => 'code' in each)).toEqual(Array(3).fill({ code: 'STATEMENT_REPLAYED' }));
      const winner = flat.findIndex((each) => 'value' in each);
      await expect(fresh.store.useStatement({ ...use, consumer: `process-${winner}` })).resolves.toBeUndefined();
    });
  });

  describe('when an artifact is executed', () => {
    it('counts executions up to maxAttempts across stores, then refuses without counting', async () => {
      const other = await fresh.openAnother();
      await expect(fresh.store.countExecution(execution)).resolves.toBe(1);
      await expect(other.countExecution(execution)).resolves.toBe(2);
      await expect(fresh.store.countExecution(execution)).resolves.toBe(3);
      await expect(other.countExecution(execution)).rejects.toMatchObject({ code: 'ARTIFACT_ATTEMPTS_EXCEEDED', facts: { artifactId: 'art-1', executions: 3 } });
      await expect(fresh.store.countExecution(execution)).rejects.toMatchObject({ code: 'ARTIFACT_ATTEMPTS_EXCEEDED' });
      // Had either refusal counted, a fourth allowed execution would be the sixth.
      await expect(fresh.store.countExecution({ ...execution, maxAttempts: 4 })).resolves.toBe(4);
      await expect(fresh.store.countExecution({ ...execution, artifactId: 'art-2' })).resolves.toBe(1);
    });

    it('never lets racing stores count past maxAttempts', async () => {
      const racers = [fresh.store, await fresh.openAnother(), await fresh.openAnother()];
      for (let round = 0; round < 5; round++) {
        const artifact = { ...execution, artifactId: `art-race-${round}` };
        const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => outcome(racers[i % racers.length]!.countExecution(artifact))));
        expect(outcomes.filter((each) => 'value' in each).map((each) => (each as { value: number }).value).sort()).toEqual([1, 2, 3]);
        expect(outcomes.filter((each) => 'code' in each)).toEqual(Array(9).fill({ code: 'ARTIFACT_ATTEMPTS_EXCEEDED' }));
      }
    });

    it('never lets racing processes count past maxAttempts', async () => {
      const artifact = { ...execution, maxAttempts: 5 };
      const outcomes = await raceStoreProcesses([0, 1, 2, 3].map(() => ({ config: fresh.location.config, dataDir: fresh.location.dataDir, op: 'countExecution' as const, execution: artifact, times: 3 })));
      const flat = outcomes.flat();
      expect(flat.filter((each) => 'value' in each).map((each) => (each as { value: number }).value).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(flat.filter((each) => 'code' in each)).toEqual(Array(7).fill({ code: 'ARTIFACT_ATTEMPTS_EXCEEDED' }));
    });

    it('forgets only the counts of artifacts that expired', async () => {
      await fresh.store.countExecution(execution);
      await fresh.store.countExecution({ ...execution, artifactId: 'art-expired-too', expiresAt: '2030-01-01T00:01:30.000Z' });
      await fresh.store.countExecution({ ...execution, artifactId: 'art-later', expiresAt: '2030-01-01T00:05:00.000Z' });
      await expect(fresh.store.pruneExpired(new Date('2030-01-01T00:02:00.000Z'))).resolves.toBe(2);
      await expect(fresh.store.pruneExpired(new Date('2030-01-01T00:02:00.000Z'))).resolves.toBe(0);
      await expect(fresh.store.countExecution({ ...execution, artifactId: 'art-later', expiresAt: '2030-01-01T00:05:00.000Z' })).resolves.toBe(2);
      await expect(fresh.store.countExecution(execution)).resolves.toBe(1);
    });
  });

  describe('when its database records a schema newer than this code', () => {
    it('is refused with STORE_SCHEMA_NEWER and the database left as it was', async () => {
      await fresh.store.revoke(revocation);
      await fresh.store.close();
      await fresh.location.sql(`UPDATE writ_store SET version = ${backend.schemaVersion + 1}`);
      await expect(fresh.location.open()).rejects.toMatchObject({ code: 'STORE_SCHEMA_NEWER' });
      await expect(fresh.location.version()).resolves.toBe(backend.schemaVersion + 1);
    });
  });

  describe('when its database was made by the first version of the store', () => {
    it('migrates it at open, keeping its revocations and kill switch', async () => {
      await fresh.store.revoke(revocation);
      await fresh.store.setKillSwitch(change('payments', true, '2030-01-01T00:00:01.000Z'));
      await fresh.store.close();
      await fresh.location.sql('DROP TABLE statement_uses; DROP TABLE artifact_executions; DROP TABLE runs; DROP TABLE handoffs; DROP TABLE passkeys; DROP TABLE passkey_assertions; UPDATE writ_store SET version = 1;');
      const migrated = await fresh.openAnother();
      await expect(fresh.location.version()).resolves.toBe(backend.schemaVersion);
      await expect(migrated.revocation('run-1')).resolves.toEqual(revocation);
      await expect(migrated.killSwitch('payments')).resolves.toMatchObject({ engaged: true });
      await expect(migrated.countExecution(execution)).resolves.toBe(1);
      await expect(migrated.useStatement(use)).resolves.toBeUndefined();
    });
  });

  describe('when its database holds another application\'s tables', () => {
    it('is refused with CONFIG_INVALID and nothing is written into it', async () => {
      const foreign = await backend.fresh();
      await foreign.sql('CREATE TABLE ledger (id INTEGER PRIMARY KEY, cents INTEGER NOT NULL)');
      await expect(foreign.open()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
      await expect(foreign.version()).rejects.toThrow(/writ_store/);
    });
  });

  describe('when its database is another kind of Writ store', () => {
    it('is refused with CONFIG_INVALID', async () => {
      await fresh.store.close();
      await fresh.location.sql("UPDATE writ_store SET kind = 'writ-ledger'");
      await expect(fresh.location.open()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    });
  });

  describe('when several stores open one fresh database at once', () => {
    it('migrates it once, and every one of them works', async () => {
      const untouched = await backend.fresh();
      const stores = await Promise.all(Array.from({ length: 5 }, () => untouched.open()));
      fresh.closeAfter(...stores);
      await expect(untouched.version()).resolves.toBe(backend.schemaVersion);
      await Promise.all(stores.map((each) => each.countExecution({ ...execution, maxAttempts: 5 })));
      await expect(stores[0]!.countExecution({ ...execution, maxAttempts: 6 })).resolves.toBe(6);
    });

    it('migrates it once when they are separate processes', async () => {
      const untouched = await backend.fresh();
      const outcomes = await raceStoreProcesses(Array.from({ length: 4 }, () => ({ config: untouched.config, dataDir: untouched.dataDir, op: 'open' as const })));
      expect(outcomes).toEqual(Array(4).fill([{ value: backend.name }]));
      await expect(untouched.version()).resolves.toBe(backend.schemaVersion);
    });
  });

  describe('when the store has been closed', () => {
    it.each(Object.keys(EVERY_METHOD) as ContractMethod[])('%s answers GOVERNANCE_STORE_UNAVAILABLE, never a default', async (method) => {
      await recordStanding(fresh.store);
      await fresh.store.close();
      await expect(EVERY_METHOD[method](fresh.store)).rejects.toMatchObject({ code: 'GOVERNANCE_STORE_UNAVAILABLE' });
    });
  });
});
