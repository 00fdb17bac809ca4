import { Client } from 'pg';
import type { GovernanceStore } from '../../../core/governance/governanceStore';
import { PostgresGovernanceStore } from '../../../core/governance/postgresGovernanceStore';
import { EVERY_METHOD, recordStanding, revocation, type ContractMethod } from '../../support/governance/storeFixtures';
import { startPostgresServer, type PostgresServer } from '../../../tools/postgres/postgresServer';

// What only a server can do to a store: go away under it, come back, or hold it waiting.
// The contract every backend keeps is in governanceStoreContract.test.ts.

const QUERY_TIMEOUT_MS = 500;
// A refusal is due within the query timeout; this much more covers a loaded machine.
const SLACK_MS = 2_000;
const METHODS = Object.keys(EVERY_METHOD) as ContractMethod[];

describe('PostgresGovernanceStore', () => {
  let server: PostgresServer;
  let url: string;
  let store: GovernanceStore;
  let cases = 0;

  beforeAll(async () => {
    server = await startPostgresServer();
  });

  afterAll(async () => {
    await server.destroy();
  });

  beforeEach(async () => {
    url = await server.createDatabase(`faults_${++cases}`);
    store = await PostgresGovernanceStore.connect({ url, poolSize: 4, queryTimeoutMs: QUERY_TIMEOUT_MS });
    await recordStanding(store);
  });

  afterEach(async () => {
    await server.resume();
    await server.start();
    await store.close().catch(() => undefined);
  });

  /** Expects every method to be refused GOVERNANCE_STORE_UNAVAILABLE within the query timeout, naming the server but never the password. */
  async function expectEveryMethodUnavailable(): Promise<void> {
    for (const method of METHODS) {
      const started = Date.now();
      const refusal = await EVERY_METHOD[method](store).then(
        (value) => ({ method, resolved: value }),
        (error: unknown) => error as Error & { code?: string },
      );
      expect(refusal).toMatchObject({ code: 'GOVERNANCE_STORE_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(QUERY_TIMEOUT_MS + SLACK_MS);
      expect((refusal as Error).message).toContain(`127.0.0.1:${server.port}`);
      expect((refusal as Error).message).not.toContain(server.password);
    }
  }

  /**
   * Expects the same store to answer again, with what it recorded before the outage. A
   * write sent to a hung server before its timeout may still be made once the server goes
   * on (nothing cancels it), so this asks only what none of EVERY_METHOD's writes changes.
   */
  async function expectAnswersAgain(): Promise<void> {
    await expect(store.revocation('run-1')).resolves.toEqual(revocation);
    await expect(store.requireStanding('payments', 'run-1')).rejects.toMatchObject({ code: 'KILL_SWITCH_ENGAGED' });
    await expect(store.requireStanding('infra', 'run-1')).rejects.toMatchObject({ code: 'AUTHORITY_REVOKED' });
    const after = { ...revocation, runId: 'run-after' };
    await expect(store.revoke(after)).resolves.toEqual(after);
    await expect(store.killSwitch('infra')).resolves.toMatchObject({ engaged: false });
  }

  describe.each(['fast', 'immediate'] as const)('when the server is stopped (%s) under an open store', (mode) => {
    it('answers GOVERNANCE_STORE_UNAVAILABLE for every method, and the same store answers once the server is back', async () => {
      await server.stop(mode);
      await expectEveryMethodUnavailable();
      await server.start();
      await expectAnswersAgain();
    });
  });

  describe('when the server stops answering (a hung host) under an open store', () => {
    it('answers GOVERNANCE_STORE_UNAVAILABLE for every method within the query timeout, and the same store answers once the server goes on', async () => {
      await server.pause();
      try {
        await expectEveryMethodUnavailable();
      } finally {
        await server.resume();
      }
      await expectAnswersAgain();
    });
  });

  describe('when every query waits on a lock another session holds', () => {
    it('answers GOVERNANCE_STORE_UNAVAILABLE for every method within the query timeout, then answers again once the lock is released', async () => {
      const holder = new Client({ connectionString: url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE revocations, kill_switch_events, statement_uses, artifact_executions, runs, handoffs IN ACCESS EXCLUSIVE MODE');
        await expectEveryMethodUnavailable();
        await holder.query('ROLLBACK');
        await expectAnswersAgain();
      } finally {
        await holder.end();
      }
    });
  });
});
