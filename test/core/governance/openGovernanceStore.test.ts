import { inspect } from 'node:util';
import { findFreePort } from '../../../core/server/freePort';
import { GovernanceStoreConfigSchema } from '../../../core/governance/governanceStoreConfig';
import { openGovernanceStore } from '../../../core/governance/openGovernanceStore';
import { startPostgresServer, type PostgresServer } from '../../../tools/postgres/postgresServer';

describe('openGovernanceStore', () => {
  describe('with a PostgreSQL URL taken from an environment variable', () => {
    let server: PostgresServer;

    beforeAll(async () => {
      server = await startPostgresServer();
    });

    afterAll(async () => {
      await server.destroy();
    });

    it('connects to the database the variable names', async () => {
      const url = await server.createDatabase('from_env');
      const config = GovernanceStoreConfigSchema.parse({ kind: 'postgres', urlEnv: 'WRIT_GOVERNANCE_URL' });
      const store = await openGovernanceStore(config, { dataDir: server.root, env: { WRIT_GOVERNANCE_URL: url } });
      try {
        expect(store.backend).toBe('postgres');
        await expect(store.requireStanding('payments', 'run-1')).resolves.toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it('refuses an unset variable as CONFIG_INVALID, naming it', async () => {
      const config = GovernanceStoreConfigSchema.parse({ kind: 'postgres', urlEnv: 'WRIT_GOVERNANCE_URL' });
      await expect(openGovernanceStore(config, { dataDir: server.root, env: {} })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('WRIT_GOVERNANCE_URL'),
      });
      await expect(openGovernanceStore(config, { dataDir: server.root, env: { WRIT_GOVERNANCE_URL: '' } })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    });
  });

  describe('with a PostgreSQL URL that does not parse', () => {
    it('is refused as CONFIG_INVALID, without repeating it', async () => {
      const config = GovernanceStoreConfigSchema.parse({ kind: 'postgres', url: 'postgres://writ:correct-horse@[not-a-host/governance' });
      const refusal = await openGovernanceStore(config, { dataDir: '/nonexistent' }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(refusal).toMatchObject({ code: 'CONFIG_INVALID' });
      expect(inspect(refusal, { depth: 10 })).not.toContain('correct-horse');
    });
  });

  describe('with a PostgreSQL URL where nothing listens', () => {
    it('answers GOVERNANCE_STORE_UNAVAILABLE at once, naming host and port, never the password', async () => {
      const port = await findFreePort();
      const password = 'correct-horse-battery-staple';
      const config = GovernanceStoreConfigSchema.parse({ kind: 'postgres', url: `postgres://writ:${password}@127.0.0.1:${port}/governance`, queryTimeoutMs: 5_000 });
      const started = Date.now();
      const refusal = await openGovernanceStore(config, { dataDir: '/nonexistent' }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(refusal).toMatchObject({ code: 'GOVERNANCE_STORE_UNAVAILABLE', message: expect.stringContaining(`127.0.0.1:${port}`) });
      // Not in the message, and not anywhere a log line printing the error would reach.
      expect(inspect(refusal, { depth: 10 })).not.toContain(password);
      expect(JSON.stringify(refusal)).not.toContain(password);
    });
  });
});
