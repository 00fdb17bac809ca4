import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_FILE, loadConfig } from '../../../core/config/writConfig';
import { WritError } from '../../../core/errors/writError';
import { DEFAULT_CONSOLE_CONFIG } from '../../../core/config/consoleConfig';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** A fresh project directory, optionally with a writ.config.json holding `config`. */
function project(config?: unknown): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-config-'));
  roots.push(root);
  if (config !== undefined) fs.writeFileSync(path.join(root, CONFIG_FILE), typeof config === 'string' ? config : JSON.stringify(config));
  return root;
}

/** The WritError `loadConfig` throws for these options; fails the test with whatever else happened. */
function configError(options: Parameters<typeof loadConfig>[0]): WritError {
  let thrown: unknown;
  try {
    loadConfig(options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WritError);
  return thrown as WritError;
}

describe('loadConfig', () => {
  describe('when there is no configuration file and no environment', () => {
    it('gives the embedded defaults with every path absolute under projectRoot', () => {
      const root = project();
      const config = loadConfig({ projectRoot: root, env: {} });
      expect(config).toEqual({
        projectRoot: root,
        dataDir: path.join(root, '.writ'),
        keysDir: path.join(root, '.writ', 'keys'),
        receiptKeysDir: path.join(root, '.writ', 'receipt-keys'),
        policiesDir: path.join(root, 'policies'),
        taskQueue: 'writ-governed',
        role: 'all',
        authorizerTaskQueue: 'writ-governed',
        authorization: 'activity',
        artifacts: { ttlSeconds: 60, clockSkewSeconds: 5, maxLifetimeSeconds: 900, statementMaxAgeSeconds: 300 },
        exemptActivities: [],
        workerBuildId: 'writ-dev',
        console: DEFAULT_CONSOLE_CONFIG,
        governanceStore: { kind: 'sqlite' },
        signer: { kind: 'local' },
        mcp: { upstreams: [] },
        operators: { statements: ['passkey', 'identity-provider'] },
        evidenceLog: { kind: 'directory', dir: path.join(root, '.writ', 'log'), keyFile: path.join(root, '.writ', 'log.key'), batchWindowMs: 2, maxBatchEntries: 256, lockTimeoutMs: 5_000 },
      });
      expect(path.isAbsolute(config.dataDir)).toBe(true);
    });

    it('resolves a relative projectRoot to an absolute one', () => {
      const root = project();
      const relative = path.relative(process.cwd(), root);
      expect(loadConfig({ projectRoot: relative, env: {} }).dataDir).toBe(path.join(root, '.writ'));
    });
  });

  describe('when writ.config.json sets paths', () => {
    it('resolves relative paths against projectRoot, keeps absolute ones, and puts keys under the data dir', () => {
      const elsewhere = project();
      const root = project({ dataDir: 'state', policiesDir: path.join(elsewhere, 'rules') });
      const config = loadConfig({ projectRoot: root, env: {} });
      expect(config.dataDir).toBe(path.join(root, 'state'));
      expect(config.keysDir).toBe(path.join(root, 'state', 'keys'));
      expect(config.policiesDir).toBe(path.join(elsewhere, 'rules'));
    });

    it('resolves an explicit keysDir against projectRoot rather than the data dir', () => {
      const root = project({ dataDir: 'state', keysDir: 'secrets/keys' });
      expect(loadConfig({ projectRoot: root, env: {} }).keysDir).toBe(path.join(root, 'secrets', 'keys'));
    });
  });

  describe('when a role is configured', () => {
    it('runs as an executor trusting the authorizer\'s published key set, and sending authorization to its task queue', () => {
      const root = project({ role: 'executor', authorizerTaskQueue: 'writ-authorize' });
      const config = loadConfig({ projectRoot: root, env: {} });
      expect(config).toMatchObject({ role: 'executor', taskQueue: 'writ-governed', authorizerTaskQueue: 'writ-authorize', trustedKeysFile: path.join(root, '.writ', 'keys', 'jwks.json') });
    });

    it('takes WRIT_ROLE, WRIT_AUTHORIZER_TASK_QUEUE, WRIT_TRUSTED_KEYS_FILE and WRIT_RECEIPT_KEYS_DIR', () => {
      const root = project();
      const config = loadConfig({ projectRoot: root, env: { WRIT_ROLE: 'executor', WRIT_AUTHORIZER_TASK_QUEUE: 'az', WRIT_TRUSTED_KEYS_FILE: 'trusted/jwks.json', WRIT_RECEIPT_KEYS_DIR: 'mine' } });
      expect(config).toMatchObject({ role: 'executor', authorizerTaskQueue: 'az', trustedKeysFile: path.join(root, 'trusted', 'jwks.json'), receiptKeysDir: path.join(root, 'mine') });
    });

    it('refuses an executor whose authorizer would share its task queue, and an unknown role, as CONFIG_INVALID', () => {
      expect(configError({ projectRoot: project({ role: 'executor' }), env: {} }).issues.map((issue) => issue.path)).toEqual(['authorizerTaskQueue']);
      expect(configError({ projectRoot: project({ role: 'signer' }), env: {} }).issues.map((issue) => issue.path)).toEqual(['role']);
    });

    it('authorizes locally on role all when told to (writ.config.json or WRIT_AUTHORIZATION), and refuses it on another role as CONFIG_INVALID', () => {
      expect(loadConfig({ projectRoot: project({ authorization: 'local' }), env: {} }).authorization).toBe('local');
      expect(loadConfig({ projectRoot: project(), env: { WRIT_AUTHORIZATION: 'local' } }).authorization).toBe('local');
      expect(configError({ projectRoot: project({ role: 'executor', authorizerTaskQueue: 'az', authorization: 'local' }), env: {} }).issues.map((issue) => issue.path)).toEqual(['authorization']);
      expect(configError({ projectRoot: project({ role: 'authorizer', authorization: 'local' }), env: {} }).issues.map((issue) => issue.path)).toEqual(['authorization']);
      expect(configError({ projectRoot: project({ authorization: 'remote' }), env: {} }).issues.map((issue) => issue.path)).toEqual(['authorization']);
    });

    it('keeps the development default, role all, authorizing on the same task queue with no trusted key file', () => {
      const config = loadConfig({ projectRoot: project({ taskQueue: 'q' }), env: {} });
      expect(config).toMatchObject({ role: 'all', authorizerTaskQueue: 'q', authorization: 'activity' });
      expect(config.trustedKeysFile).toBeUndefined();
    });
  });

  describe('when operators.statements says which operator statements workers accept', () => {
    it('accepts both kinds by default, so development approves with the local provider', () => {
      expect(loadConfig({ projectRoot: project(), env: {} }).operators).toEqual({ statements: ['passkey', 'identity-provider'] });
    });

    it('takes passkeys alone, as production does', () => {
      expect(loadConfig({ projectRoot: project({ operators: { statements: ['passkey'] } }), env: {} }).operators.statements).toEqual(['passkey']);
    });

    it('refuses no kind, an unknown kind, a kind named twice and an unknown key as CONFIG_INVALID, with their paths', () => {
      const paths = (operators: unknown) => configError({ projectRoot: project({ operators }), env: {} }).issues.map((issue) => issue.path);
      expect(paths({ statements: [] })).toEqual(['operators.statements']);
      expect(paths({ statements: ['password'] })).toEqual(['operators.statements.0']);
      expect(paths({ statements: ['passkey', 'passkey'] })).toEqual(['operators.statements']);
      expect(paths({ statements: ['passkey'], requirePasskeys: true })).toEqual(['operators']);
    });
  });

  describe("when console.publicOrigin names the console's origin behind TLS", () => {
    it('takes an https origin and refuses plain http or a path as CONFIG_INVALID', () => {
      expect(loadConfig({ projectRoot: project({ console: { publicOrigin: 'https://console.example.com' } }), env: {} }).console.publicOrigin).toBe('https://console.example.com');
      expect(configError({ projectRoot: project({ console: { publicOrigin: 'http://console.example.com' } }), env: {} }).issues.map((issue) => issue.path)).toEqual(['console.publicOrigin']);
      expect(configError({ projectRoot: project({ console: { publicOrigin: 'https://console.example.com/writ' } }), env: {} }).issues.map((issue) => issue.path)).toEqual(['console.publicOrigin']);
    });
  });

  describe('when the configuration has keys Writ does not know', () => {
    it('refuses it as CONFIG_INVALID, listing an issue for each place', () => {
      const root = project({ dataDir: 'state', colour: 'blue', artifacts: { ttlSeconds: 30, lifetime: 60 } });
      const error = configError({ projectRoot: root, env: {} });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.issues.map((issue) => issue.path).sort()).toEqual(['', 'artifacts']);
    });

  });

  describe('when it still names the Temporal server, which Temporal\'s client configuration does now', () => {
    it.each<[string, unknown]>([
      ['an external target', { mode: 'external', address: 'temporal.internal:7233', namespace: 'prod' }],
      ['a Temporal Cloud target', { mode: 'external', address: 'ns.tmprl.cloud:7233', namespace: 'ns', tls: true, apiKeyEnv: 'TEMPORAL_API_KEY' }],
      ['an mTLS target', { mode: 'external', address: 'a:7233', namespace: 'n', tls: { clientCertPath: 'c.pem', clientKeyPath: 'c.key' } }],
      ['the embedded target', { mode: 'embedded' }],
    ])('refuses %s in writ.config.json as CONFIG_INVALID', (_kind, temporal) => {
      const error = configError({ projectRoot: project({ temporal }), env: {} });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.issues.map((issue) => issue.path)).toEqual(['temporal']);
    });

    it('lists the legacy key with every other problem', () => {
      const error = configError({ projectRoot: project({ temporal: { mode: 'embedded' }, taskQueue: '' }), env: {} });
      expect(error.issues.map((issue) => issue.path).sort()).toEqual(['taskQueue', 'temporal']);
    });

    it.each(['WRIT_TEMPORAL_ADDRESS', 'WRIT_NAMESPACE'])('refuses the %s override as CONFIG_INVALID', (name) => {
      const error = configError({ projectRoot: project(), env: { [name]: 'temporal.internal:7233' } });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.issues.map((issue) => issue.path)).toEqual([name]);
    });

    it('leaves the TEMPORAL_* variables to the Temporal target', () => {
      const config = loadConfig({ projectRoot: project(), env: { TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'payments' } });
      expect(config).not.toHaveProperty('temporal');
    });
  });

  describe('when environment variables override settings', () => {
    it('takes WRIT_DATA_DIR over the file and moves the default keys dir with it', () => {
      const root = project({ dataDir: 'from-file' });
      const config = loadConfig({ projectRoot: root, env: { WRIT_DATA_DIR: 'from-env' } });
      expect(config.dataDir).toBe(path.join(root, 'from-env'));
      expect(config.keysDir).toBe(path.join(root, 'from-env', 'keys'));
    });

    it('takes WRIT_TASK_QUEUE, WRIT_POLICIES_DIR and WRIT_KEYS_DIR', () => {
      const root = project();
      const config = loadConfig({ projectRoot: root, env: { WRIT_TASK_QUEUE: 'q2', WRIT_POLICIES_DIR: 'p2', WRIT_KEYS_DIR: '/etc/writ/keys' } });
      expect([config.taskQueue, config.policiesDir, config.keysDir]).toEqual(['q2', path.join(root, 'p2'), '/etc/writ/keys']);
    });

    it('ignores an override set to the empty string', () => {
      const root = project({ dataDir: 'from-file' });
      expect(loadConfig({ projectRoot: root, env: { WRIT_DATA_DIR: '' } }).dataDir).toBe(path.join(root, 'from-file'));
    });
  });

  describe('when the governance store is configured', () => {
    it('reads PostgreSQL by URL or by the environment variable holding it, with pool defaults', () => {
      expect(loadConfig({ projectRoot: project({ governanceStore: { kind: 'postgres', url: 'postgres://writ@db.internal:5432/writ' } }), env: {} }).governanceStore).toEqual({
        kind: 'postgres',
        url: 'postgres://writ@db.internal:5432/writ',
        poolSize: 4,
        queryTimeoutMs: 5_000,
      });
      expect(loadConfig({ projectRoot: project({ governanceStore: { kind: 'postgres', urlEnv: 'WRIT_DB_URL', poolSize: 8 } }), env: {} }).governanceStore).toEqual({
        kind: 'postgres',
        urlEnv: 'WRIT_DB_URL',
        poolSize: 8,
        queryTimeoutMs: 5_000,
      });
    });

    it('takes WRIT_GOVERNANCE_STORE_URL from the environment as a PostgreSQL URL', () => {
      const config = loadConfig({ projectRoot: project(), env: { WRIT_GOVERNANCE_STORE_URL: 'postgresql://writ@127.0.0.1:6543/writ' } });
      expect(config.governanceStore).toMatchObject({ kind: 'postgres', url: 'postgresql://writ@127.0.0.1:6543/writ' });
    });

    it('resolves a SQLite file from the project directory', () => {
      const root = project({ governanceStore: { kind: 'sqlite', file: 'state/governance.sqlite' } });
      expect(loadConfig({ projectRoot: root, env: {} }).governanceStore).toEqual({ kind: 'sqlite', file: path.join(root, 'state', 'governance.sqlite') });
    });

    it('refuses both or neither of url and urlEnv, a URL of another scheme and an unknown kind, naming each', () => {
      const both = configError({ projectRoot: project({ governanceStore: { kind: 'postgres', url: 'postgres://h/db', urlEnv: 'X' } }), env: {} });
      expect(both.code).toBe('CONFIG_INVALID');
      expect(both.issues).toEqual([{ path: 'governanceStore.url', message: 'give exactly one of url or urlEnv' }]);
      expect(configError({ projectRoot: project({ governanceStore: { kind: 'postgres' } }), env: {} }).issues.map((i) => i.path)).toEqual(['governanceStore.url']);
      expect(configError({ projectRoot: project({ governanceStore: { kind: 'postgres', url: 'mysql://h/db' } }), env: {} }).issues.map((i) => i.path)).toEqual(['governanceStore.url']);
      expect(configError({ projectRoot: project({ governanceStore: { kind: 'redis' } }), env: {} }).issues.map((i) => i.path)).toEqual(['governanceStore.kind']);
    });
  });

  describe('when the evidence log is configured', () => {
    it('resolves its directory and key file from the project directory, keeping the batching given', () => {
      const root = project({ evidenceLog: { kind: 'directory', dir: 'evidence', keyFile: '/secrets/log.key', origin: 'example.com/writ-log', batchWindowMs: 0, maxBatchEntries: 64 } });
      expect(loadConfig({ projectRoot: root, env: {} }).evidenceLog).toEqual({
        kind: 'directory',
        dir: path.join(root, 'evidence'),
        keyFile: '/secrets/log.key',
        origin: 'example.com/writ-log',
        batchWindowMs: 0,
        maxBatchEntries: 64,
        lockTimeoutMs: 5_000,
      });
    });

    it('sequences it in PostgreSQL with the PostgreSQL governance store, checkpointing every second unless told', () => {
      const root = project({ governanceStore: { kind: 'postgres', urlEnv: 'WRIT_DB' }, evidenceLog: { kind: 'postgres', dir: '/srv/writ/log' } });
      expect(loadConfig({ projectRoot: root, env: {} }).evidenceLog).toEqual({
        kind: 'postgres',
        dir: '/srv/writ/log',
        keyFile: path.join(root, '.writ', 'log.key'),
        batchWindowMs: 2,
        maxBatchEntries: 256,
        lockTimeoutMs: 5_000,
        checkpointIntervalMs: 1_000,
      });
    });

    it('refuses a log sequenced in PostgreSQL without the PostgreSQL governance store, or with a checkpoint interval out of bounds (CONFIG_INVALID)', () => {
      const withoutStore = configError({ projectRoot: project({ evidenceLog: { kind: 'postgres' } }), env: {} });
      expect(withoutStore.code).toBe('CONFIG_INVALID');
      expect(withoutStore.issues).toEqual([{ path: 'evidenceLog.kind', message: expect.stringContaining('governanceStore') }]);
      const tooOften = configError({ projectRoot: project({ governanceStore: { kind: 'postgres', urlEnv: 'WRIT_DB' }, evidenceLog: { kind: 'postgres', checkpointIntervalMs: 5 } }), env: {} });
      expect(tooOften.issues.map((issue) => issue.path)).toEqual(['evidenceLog.checkpointIntervalMs']);
    });

    it('takes { kind: "off" } as it is', () => {
      expect(loadConfig({ projectRoot: project({ evidenceLog: { kind: 'off' } }), env: {} }).evidenceLog).toEqual({ kind: 'off' });
    });

    it('refuses an unknown kind, an origin that is no note name, batches beyond the log\'s limit and unknown keys, as CONFIG_INVALID naming each', () => {
      const paths = (evidenceLog: unknown) => {
        const error = configError({ projectRoot: project({ evidenceLog }), env: {} });
        expect(error.code).toBe('CONFIG_INVALID');
        return error.issues.map((issue) => issue.path);
      };
      expect(paths({ kind: 'object-store' })).toEqual(['evidenceLog.kind']);
      expect(paths({ kind: 'directory', origin: 'has space+plus' })).toEqual(['evidenceLog.origin']);
      expect(paths({ kind: 'directory', maxBatchEntries: 5_000, batchWindowMs: -1, lockTimeoutMs: 0 }).sort()).toEqual(['evidenceLog.batchWindowMs', 'evidenceLog.lockTimeoutMs', 'evidenceLog.maxBatchEntries']);
      expect(paths({ kind: 'off', dir: 'x' })).toEqual(['evidenceLog']);
    });
  });

  describe('when the artifact window is weakened beyond its caps', () => {
    it.each<[string, Record<string, number>, string]>([
      ['ttlSeconds over 900', { ttlSeconds: 901 }, 'artifacts.ttlSeconds'],
      ['maxLifetimeSeconds over 900', { maxLifetimeSeconds: 3600 }, 'artifacts.maxLifetimeSeconds'],
      ['clockSkewSeconds over 60', { clockSkewSeconds: 61 }, 'artifacts.clockSkewSeconds'],
      ['statementMaxAgeSeconds over 3600', { statementMaxAgeSeconds: 3601 }, 'artifacts.statementMaxAgeSeconds'],
      ['statementMaxAgeSeconds under 30', { statementMaxAgeSeconds: 29 }, 'artifacts.statementMaxAgeSeconds'],
      ['statementMaxAgeSeconds not whole seconds', { statementMaxAgeSeconds: 60.5 }, 'artifacts.statementMaxAgeSeconds'],
    ])('refuses %s as CONFIG_INVALID', (_kind, artifacts, issuePath) => {
      const root = project({ artifacts });
      const error = configError({ projectRoot: root, env: {} });
      expect(error.code).toBe('CONFIG_INVALID');
      expect([...new Set(error.issues.map((issue) => issue.path))]).toEqual([issuePath]);
    });

    it('refuses a ttl longer than the lifetime the enforcement point accepts', () => {
      const root = project({ artifacts: { ttlSeconds: 120, maxLifetimeSeconds: 60 } });
      const error = configError({ projectRoot: root, env: {} });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.issues.map((issue) => issue.path)).toEqual(['artifacts.ttlSeconds']);
    });

    it('accepts a statement freshness window from 30 to 3600 seconds', () => {
      for (const statementMaxAgeSeconds of [30, 3600]) {
        expect(loadConfig({ projectRoot: project({ artifacts: { statementMaxAgeSeconds } }), env: {} }).artifacts.statementMaxAgeSeconds).toBe(statementMaxAgeSeconds);
      }
    });

    it('accepts ttlSeconds of exactly 900', () => {
      const root = project({ artifacts: { ttlSeconds: 900 } });
      expect(loadConfig({ projectRoot: root, env: {} }).artifacts).toEqual({ ttlSeconds: 900, clockSkewSeconds: 5, maxLifetimeSeconds: 900, statementMaxAgeSeconds: 300 });
    });
  });

  describe('when the signer is a PKCS#11 token', () => {
    const token = { kind: 'pkcs11', module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'writ', keyLabel: 'writ-authz' };

    it('reads it, with the PIN variable defaulting to WRIT_PKCS11_PIN', () => {
      expect(loadConfig({ projectRoot: project({ signer: token }), env: {} }).signer).toEqual({ ...token, pinEnv: 'WRIT_PKCS11_PIN' });
      expect(loadConfig({ projectRoot: project({ signer: { ...token, pinEnv: 'HSM_PIN' } }), env: {} }).signer).toMatchObject({ pinEnv: 'HSM_PIN' });
    });

    it('accepts the key named by CKA_ID alone', () => {
      const { keyLabel: _label, ...byId } = token;
      expect(loadConfig({ projectRoot: project({ signer: { ...byId, keyId: '0a1b' } }), env: {} }).signer).toMatchObject({ keyId: '0a1b' });
    });

    it('refuses a PIN written in the file, saying where it goes instead', () => {
      const error = configError({ projectRoot: project({ signer: { ...token, pin: '1234' } }), env: {} });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.issues).toEqual([{ path: 'signer', message: expect.stringContaining('the PIN is never written in configuration') }]);
      expect(error.message).not.toContain('1234');
    });

    it('lists every problem at once with its path', () => {
      const error = configError({ projectRoot: project({ signer: { kind: 'pkcs11', module: 'libsofthsm2.so', tokenLabel: 'x'.repeat(33), keyId: 'xyz', pinEnv: 'WRIT PIN' } }), env: {} });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.issues.map((issue) => issue.path).sort()).toEqual(['signer.keyId', 'signer.module', 'signer.pinEnv', 'signer.tokenLabel']);
    });

    it('refuses a signer without a key name', () => {
      const { keyLabel: _label, ...unnamed } = token;
      expect(configError({ projectRoot: project({ signer: unnamed }), env: {} }).issues).toEqual([{ path: 'signer.keyLabel', message: expect.stringContaining('"keyId"') }]);
    });

    it('refuses a kind Writ does not know, and unknown keys of the local signer', () => {
      expect(configError({ projectRoot: project({ signer: { kind: 'kms' } }), env: {} }).issues.map((issue) => issue.path)).toEqual(['signer.kind']);
      expect(configError({ projectRoot: project({ signer: { kind: 'local', module: '/x.so' } }), env: {} }).code).toBe('CONFIG_INVALID');
    });
  });

  describe('when the configuration file cannot be used', () => {
    it('refuses an explicit file that does not exist as CONFIG_INVALID', () => {
      const root = project();
      expect(configError({ projectRoot: root, file: path.join(root, 'nope.json'), env: {} }).code).toBe('CONFIG_INVALID');
    });

    it('reads an explicit file that exists instead of writ.config.json', () => {
      const root = project({ taskQueue: 'from-default-file' });
      const file = path.join(root, 'other.json');
      fs.writeFileSync(file, JSON.stringify({ taskQueue: 'from-explicit-file' }));
      expect(loadConfig({ projectRoot: root, file, env: {} }).taskQueue).toBe('from-explicit-file');
    });

    it('refuses a file that is not JSON as CONFIG_INVALID', () => {
      expect(configError({ projectRoot: project('{ "dataDir": '), env: {} }).code).toBe('CONFIG_INVALID');
    });

    it.each([['an array', '[]'], ['a string', '"writ"']])('refuses a file holding %s as CONFIG_INVALID', (_kind, text) => {
      expect(configError({ projectRoot: project(text), env: {} }).code).toBe('CONFIG_INVALID');
    });

    // Known bug: config/writConfig.ts passes the parsed value to Object.assign without
    // checking it is an object, so a file holding `null` throws a TypeError, not
    // CONFIG_INVALID. Remove `.failing` once fixed.
    it('refuses a file holding null as CONFIG_INVALID', () => {
      expect(configError({ projectRoot: project('null'), env: {} }).code).toBe('CONFIG_INVALID');
    });
  });
});
