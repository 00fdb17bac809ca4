import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadTemporalTarget, toConnectionOptions, type LoadTemporalTargetOptions, type TemporalTarget } from '../../../core/server/temporalTarget';
import { WritError } from '../../../core/errors/writError';
import { testTemporal } from '../../support/testServer';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-target-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` to `name` in the test's directory and returns its path. */
function file(name: string, text: string): string {
  const at = path.join(dir, name);
  fs.writeFileSync(at, text);
  return at;
}

/** The WritError `loadTemporalTarget` throws for these options; fails the test with whatever else happened. */
function targetError(options: LoadTemporalTargetOptions): WritError {
  let thrown: unknown;
  try {
    loadTemporalTarget(options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WritError);
  return thrown as WritError;
}

function issuePaths(error: WritError): string[] {
  return error.issues.map((issue) => issue.path).sort();
}

function external(target: TemporalTarget): Extract<TemporalTarget, { kind: 'external' }> {
  if (target.kind !== 'external') throw new Error(`expected an external target, got ${JSON.stringify(target)}`);
  return target;
}

const PROFILES = `
[profile.default]
address = "localhost:7233"
namespace = "default"

[profile.prod]
address = "prod.tmprl.cloud:7233"
namespace = "prod.a1b2c"
api_key = "key-from-profile"
`;

describe('loadTemporalTarget', () => {
  describe('when nothing is configured', () => {
    it('is the embedded dev server in namespace writ, not localhost:7233', () => {
      expect(loadTemporalTarget({ env: {} })).toEqual({ kind: 'embedded', namespace: 'writ' });
    });

    it('is embedded when the user configuration directory holds no temporal.toml', () => {
      expect(loadTemporalTarget({ env: { HOME: dir, XDG_CONFIG_HOME: path.join(dir, '.config'), APPDATA: dir } })).toEqual({ kind: 'embedded', namespace: 'writ' });
    });

    it('is embedded when the selected temporal.toml profile names no address', () => {
      const toml = file('temporal.toml', '[profile.default]\n');
      expect(loadTemporalTarget({ env: { TEMPORAL_CONFIG_FILE: toml } }).kind).toBe('embedded');
    });

    it('counts a TEMPORAL_* variable set to the empty string as unset', () => {
      expect(loadTemporalTarget({ env: { TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '' } }).kind).toBe('embedded');
    });
  });

  describe('from environment variables only', () => {
    it('connects to TEMPORAL_ADDRESS in TEMPORAL_NAMESPACE, in clear text when no TLS is asked for', () => {
      const target = loadTemporalTarget({ env: { TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'payments' } });
      expect(target).toEqual({ kind: 'external', connectOptions: { address: 'temporal.internal:7233' }, namespace: 'payments' });
    });

    it('uses namespace writ when only an address is named', () => {
      expect(loadTemporalTarget({ env: { TEMPORAL_ADDRESS: 'temporal.internal:7233' } }).namespace).toBe('writ');
    });

    it('sends TEMPORAL_API_KEY over TLS, which an API key switches on', () => {
      const target = external(loadTemporalTarget({ env: { TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns', TEMPORAL_API_KEY: 'secret' } }));
      expect(target.connectOptions).toEqual({ address: 'ns.tmprl.cloud:7233', tls: true, apiKey: 'secret' });
    });

    it('switches TLS on with TEMPORAL_TLS=true and sends TEMPORAL_GRPC_META_* headers', () => {
      const target = external(loadTemporalTarget({ env: { TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_TLS: 'true', TEMPORAL_GRPC_META_X_TENANT: 'acme' } }));
      expect(target.connectOptions.tls).toBeTruthy();
      expect(target.connectOptions.metadata).toEqual({ 'x-tenant': 'acme' });
    });
  });

  describe('from a temporal.toml profile', () => {
    it('reads the profile TEMPORAL_PROFILE selects', () => {
      const toml = file('temporal.toml', PROFILES);
      const target = external(loadTemporalTarget({ env: { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' } }));
      expect(target).toEqual({ kind: 'external', connectOptions: { address: 'prod.tmprl.cloud:7233', tls: true, apiKey: 'key-from-profile' }, namespace: 'prod.a1b2c' });
    });

    it('reads the default profile when none is selected', () => {
      const toml = file('temporal.toml', PROFILES);
      expect(loadTemporalTarget({ env: { TEMPORAL_CONFIG_FILE: toml } })).toEqual({ kind: 'external', connectOptions: { address: 'localhost:7233' }, namespace: 'default' });
    });

    it('reads temporal.toml from the user configuration directory', () => {
      const configHome = path.join(dir, 'config');
      fs.mkdirSync(path.join(configHome, 'temporalio'), { recursive: true });
      fs.writeFileSync(path.join(configHome, 'temporalio', 'temporal.toml'), PROFILES);
      const env = process.platform === 'win32' ? { APPDATA: configHome } : process.platform === 'darwin' ? undefined : { XDG_CONFIG_HOME: configHome };
      if (env === undefined) return; // macOS reads ~/Library/Application Support only
      expect(loadTemporalTarget({ env: { ...env, TEMPORAL_PROFILE: 'prod' } }).namespace).toBe('prod.a1b2c');
    });

    it('lets TEMPORAL_* variables override the profile, field by field', () => {
      const toml = file('temporal.toml', PROFILES);
      const target = external(loadTemporalTarget({ env: { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'staging.a1b2c' } }));
      expect([target.connectOptions.address, target.namespace, target.connectOptions.apiKey]).toEqual(['prod.tmprl.cloud:7233', 'staging.a1b2c', 'key-from-profile']);
    });

    describe('when it cannot be used', () => {
      it.each<[string, string, string]>([
        ['is not TOML', '[profile.default\naddress = ', 'TEMPORAL_CONFIG_FILE'],
        ['has a key Temporal does not know', '[profile.default]\nadress = "a:7233"\n', 'TEMPORAL_CONFIG_FILE'],
        ['has no profile table at all (which envconfig cannot read)', '# nothing yet\n', 'TEMPORAL_CONFIG_FILE'],
        ['gives a value of the wrong type', '[profile.default]\naddress = 7233\n', 'address'],
      ])('refuses a file that %s as CONFIG_INVALID', (_kind, text, issue) => {
        const error = targetError({ env: { TEMPORAL_CONFIG_FILE: file('temporal.toml', text) } });
        expect(error.code).toBe('CONFIG_INVALID');
        expect(issuePaths(error)).toEqual([issue]);
      });

      it('refuses a TEMPORAL_PROFILE the file does not have as CONFIG_INVALID', () => {
        const error = targetError({ env: { TEMPORAL_CONFIG_FILE: file('temporal.toml', PROFILES), TEMPORAL_PROFILE: 'qa' } });
        expect(error.code).toBe('CONFIG_INVALID');
        expect(issuePaths(error)).toEqual(['TEMPORAL_PROFILE']);
      });

      it('refuses a TEMPORAL_CONFIG_FILE that does not exist as CONFIG_INVALID, rather than falling back to embedded', () => {
        const error = targetError({ env: { TEMPORAL_CONFIG_FILE: path.join(dir, 'missing.toml') } });
        expect(error.code).toBe('CONFIG_INVALID');
        expect(issuePaths(error)).toEqual(['TEMPORAL_CONFIG_FILE']);
      });
    });
  });

  describe('with TLS certificate files', () => {
    it('reads them when loaded, from the environment or a profile', () => {
      const ca = file('ca.pem', 'CA');
      const crt = file('client.pem', 'CRT');
      const key = file('client.key', 'KEY');
      const expected = { serverNameOverride: 'temporal', serverRootCACertificate: Buffer.from('CA'), clientCertPair: { crt: Buffer.from('CRT'), key: Buffer.from('KEY') } };

      const fromEnv = external(
        loadTemporalTarget({
          env: { TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_TLS_SERVER_NAME: 'temporal', TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca, TEMPORAL_TLS_CLIENT_CERT_PATH: crt, TEMPORAL_TLS_CLIENT_KEY_PATH: key },
        }),
      );
      const toml = file('temporal.toml', `[profile.default]\naddress = "a:7233"\n[profile.default.tls]\nserver_name = "temporal"\nserver_ca_cert_path = ${JSON.stringify(ca)}\nclient_cert_path = ${JSON.stringify(crt)}\nclient_key_path = ${JSON.stringify(key)}\n`);
      const fromProfile = external(loadTemporalTarget({ env: { TEMPORAL_CONFIG_FILE: toml } }));

      expect(fromEnv.connectOptions.tls).toEqual(expected);
      expect(fromProfile.connectOptions.tls).toEqual(expected);
    });

    it('refuses a missing file as CONFIG_INVALID, listing it with every other problem', () => {
      const crt = file('client.pem', 'CRT');
      const error = targetError({
        env: { TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'missing-ca.pem'), TEMPORAL_TLS_CLIENT_CERT_PATH: crt, TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'missing.key') },
      });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(issuePaths(error)).toEqual(['tls.client_key_path', 'tls.server_ca_cert_path']);
    });

    it('refuses a client certificate without its key as CONFIG_INVALID (the SDK would drop it)', () => {
      const error = targetError({ env: { TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem', 'CRT') } });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(issuePaths(error)).toEqual(['tls.client_cert_path']);
    });
  });

  describe('when an API key would be sent without TLS', () => {
    it('refuses TEMPORAL_TLS=false with an API key as CONFIG_INVALID', () => {
      const error = targetError({ env: { TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_API_KEY: 'secret', TEMPORAL_TLS: 'false' } });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(issuePaths(error)).toEqual(['tls.disabled']);
    });

    it('refuses a profile with tls.disabled and an API key as CONFIG_INVALID', () => {
      const toml = file('temporal.toml', '[profile.default]\naddress = "a:7233"\napi_key = "secret"\n[profile.default.tls]\ndisabled = true\n');
      expect(targetError({ env: { TEMPORAL_CONFIG_FILE: toml } }).code).toBe('CONFIG_INVALID');
    });
  });

  describe('when a setting would be misread or ignored', () => {
    it.each<[string, Record<string, string>, string[]]>([
      ['TEMPORAL_TLS other than 1/true/0/false (the SDK reads "yes" as false)', { TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_TLS: 'yes' }, ['TEMPORAL_TLS']],
      ['TEMPORAL_TLS_DISABLE_HOST_VERIFICATION, which the SDK cannot honour', { TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' }, ['TEMPORAL_TLS_DISABLE_HOST_VERIFICATION']],
      ['a namespace with no address', { TEMPORAL_NAMESPACE: 'payments' }, ['namespace']],
      ['an API key and TLS with no address', { TEMPORAL_API_KEY: 'secret', TEMPORAL_TLS: 'true' }, ['api_key', 'tls']],
    ])('refuses %s as CONFIG_INVALID', (_kind, env, issues) => {
      const error = targetError({ env });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(issuePaths(error)).toEqual(issues);
    });
  });

  describe('with --address and --namespace', () => {
    it('takes them over the configuration, keeping its API key and TLS', () => {
      const toml = file('temporal.toml', PROFILES);
      const target = external(loadTemporalTarget({ env: { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' }, address: 'other.tmprl.cloud:7233', namespace: 'other.a1b2c' }));
      expect(target).toEqual({ kind: 'external', connectOptions: { address: 'other.tmprl.cloud:7233', tls: true, apiKey: 'key-from-profile' }, namespace: 'other.a1b2c' });
    });

    it('points at a server when nothing else is configured, in namespace writ', () => {
      expect(loadTemporalTarget({ env: {}, address: '127.0.0.1:7777' })).toEqual({ kind: 'external', connectOptions: { address: '127.0.0.1:7777' }, namespace: 'writ' });
    });
  });
});

describe('toConnectionOptions', () => {
  it('gives the embedded target the address of the started server', () => {
    expect(toConnectionOptions({ kind: 'embedded', namespace: 'writ' }, '127.0.0.1:7777')).toEqual({ address: '127.0.0.1:7777' });
  });

  it('refuses the embedded target without a started server as CONFIG_INVALID', () => {
    let thrown: unknown;
    try {
      toConnectionOptions({ kind: 'embedded', namespace: 'writ' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WritError);
    expect((thrown as WritError).code).toBe('CONFIG_INVALID');
  });

  it('gives an external target its own options', () => {
    const target = loadTemporalTarget({ env: { TEMPORAL_ADDRESS: 'a:7233' } });
    expect(toConnectionOptions(target, '127.0.0.1:7777')).toEqual({ address: 'a:7233' });
  });
});

describe('when TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE name the test run\'s dev server', () => {
  it('a client and a worker connection reach it and its namespace through them alone', async () => {
    const { address, namespace } = testTemporal();
    const target = loadTemporalTarget({ env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace } });
    expect(target.kind).toBe('external');

    const connection = await Connection.connect(toConnectionOptions(target));
    const worker = await NativeConnection.connect(toConnectionOptions(target));
    try {
      const client = new Client({ connection, namespace: target.namespace });
      const described = await client.workflowService.describeNamespace({ namespace: target.namespace });
      expect(described.namespaceInfo?.name).toBe(namespace);
      const info = await worker.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
    } finally {
      await worker.close();
      await connection.close();
    }
  });
});
