import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeJwt } from 'jose';
import { readBoundCredentialFile } from '../../../core/identity/boundCredentialFile';
import { DEV_IDENTITY_ISSUER } from '../../../core/identity/devIdentityProvider';
import { IdentityVerifier } from '../../../core/identity/identityVerifier';
import { KeyStore } from '../../../core/keys/keyStore';

const CLI = resolve(__dirname, '../../../dist/tools/cli/main.js');

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let root: string;
let dataDir: string;
let keysDir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
});
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'writ-cli-'));
  dataDir = join(root, 'data');
  keysDir = join(root, 'keys');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/**
 * Runs `writ ...args` as a real process, from the temp directory (so no project
 * writ.config.json applies) with WRIT_DATA_DIR as the only Writ setting.
 */
function writ(...args: string[]): CliRun {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('WRIT_')) env[name] = value;
  env['WRIT_DATA_DIR'] = dataDir;
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs a command that must succeed and returns its stdout. */
function writOk(...args: string[]): string {
  const run = writ(...args);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return run.stdout;
}

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

interface KeyInfo {
  kid: string;
  createdAt: string;
  status: string;
}

/** Every object key anywhere in `value`, so a nested `d` cannot hide. */
function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => [key, ...allKeys(inner)]);
  return [];
}

describe('writ CLI', () => {
  describe('when asked for help', () => {
    it('lists the keys, token, server, operator and audit commands', () => {
      const help = writOk('--help');
      const commands = [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]);
      expect(commands).toEqual(expect.arrayContaining(['keys', 'token', 'server', 'pending', 'approve', 'audit']));
    });
  });

  describe('when keys are created', () => {
    it('makes the first key active and lists it as JSON', () => {
      const created = json<KeyInfo>(writOk('keys', 'create', '--dir', keysDir, '--json'));
      expect(created).toEqual({ kid: expect.any(String), createdAt: expect.any(String), status: 'active', purpose: 'authorization' });
      expect(json<KeyInfo[]>(writOk('keys', 'list', '--dir', keysDir, '--json'))).toEqual([created]);
      expect(KeyStore.open(keysDir).list()).toEqual([created]);
    });

    it('publishes a second key as verify-only', () => {
      const first = json<KeyInfo>(writOk('keys', 'create', '--dir', keysDir, '--json'));
      const second = json<KeyInfo>(writOk('keys', 'create', '--dir', keysDir, '--json'));
      expect(second.status).toBe('verify-only');
      expect(json<KeyInfo[]>(writOk('keys', 'list', '--dir', keysDir, '--json')).map((k) => [k.kid, k.status])).toEqual([
        [first.kid, 'active'],
        [second.kid, 'verify-only'],
      ]);
    });

    it('keeps them under <WRIT_DATA_DIR>/keys when no --dir is given', () => {
      const created = json<KeyInfo>(writOk('keys', 'create', '--json'));
      expect(KeyStore.open(join(dataDir, 'keys')).list()).toEqual([created]);
      expect(existsSync(join(root, '.writ'))).toBe(false);
    });
  });

  describe('when the keys are rotated', () => {
    it('makes a new key active and leaves the old one verify-only and still published', async () => {
      const old = json<KeyInfo>(writOk('keys', 'create', '--dir', keysDir, '--json'));
      const rotated = json<KeyInfo>(writOk('keys', 'rotate', '--dir', keysDir, '--json'));
      expect(rotated.kid).not.toBe(old.kid);
      expect(rotated.status).toBe('active');
      expect(json<KeyInfo[]>(writOk('keys', 'list', '--dir', keysDir, '--json')).map((k) => [k.kid, k.status])).toEqual([
        [old.kid, 'verify-only'],
        [rotated.kid, 'active'],
      ]);
      expect((await KeyStore.open(keysDir).loadSigningKey()).kid).toBe(rotated.kid);
      const exported = json<{ keys: { kid: string }[] }>(writOk('keys', 'export', '--dir', keysDir));
      expect(exported.keys.map((key) => key.kid).sort()).toEqual([old.kid, rotated.kid].sort());
    });
  });

  describe('when the public key set is exported', () => {
    it('prints public keys only: no private component anywhere, each with its kid and EdDSA', () => {
      writOk('keys', 'create', '--dir', keysDir);
      writOk('keys', 'rotate', '--dir', keysDir);
      const listed = json<KeyInfo[]>(writOk('keys', 'list', '--dir', keysDir, '--json'));
      // The private key files do hold `d`: the export is what must leave it out.
      const privateJwk = json<Record<string, unknown>>(readFileSync(join(keysDir, `${listed[1]!.kid}.private.jwk.json`), 'utf8'));
      expect(privateJwk).toHaveProperty('d');

      const text = writOk('keys', 'export', '--dir', keysDir);
      const exported = json<{ keys: Record<string, unknown>[] }>(text);
      expect(allKeys(exported)).not.toContain('d');
      expect(text).not.toContain(String(privateJwk['d']));
      expect(exported.keys).toHaveLength(2);
      for (const key of exported.keys) expect(key).toMatchObject({ kid: expect.any(String), alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519' });
      expect(exported.keys.map((key) => key.kid).sort()).toEqual(listed.map((key) => key.kid).sort());
    });
  });

  describe('when receipt keys are managed with --purpose receipt', () => {
    it('keeps them under <WRIT_DATA_DIR>/receipt-keys, marked receipt, apart from the authorization keys', () => {
      const receipt = json<KeyInfo & { purpose: string }>(writOk('keys', '--purpose', 'receipt', 'create', '--json'));
      const authorization = json<KeyInfo & { purpose: string }>(writOk('keys', 'create', '--json'));
      expect([receipt.purpose, authorization.purpose]).toEqual(['receipt', 'authorization']);
      expect(KeyStore.open(join(dataDir, 'receipt-keys'), { purpose: 'receipt' }).list()).toEqual([receipt]);
      expect(KeyStore.open(join(dataDir, 'keys')).list()).toEqual([authorization]);
      const exported = json<{ keys: Record<string, unknown>[] }>(writOk('keys', '--purpose', 'receipt', 'export'));
      expect(exported.keys).toEqual([expect.objectContaining({ kid: receipt.kid, writ_purpose: 'receipt' })]);
      expect(json<{ keys: Record<string, unknown>[] }>(writOk('keys', 'export')).keys).toEqual([expect.objectContaining({ kid: authorization.kid, writ_purpose: 'authorization' })]);
    });

    it('refuses a receipt key directory named as the authorization one with KEYSTORE_INVALID, and an unknown purpose', () => {
      writOk('keys', '--dir', keysDir, '--purpose', 'receipt', 'create');
      const crossed = writ('keys', '--dir', keysDir, 'rotate');
      expect(crossed.status).not.toBe(0);
      expect(crossed.stderr).toMatch(/^writ: KEYSTORE_INVALID: .*holds receipt keys/);
      const unknown = writ('keys', '--purpose', 'signing', 'list');
      expect(unknown.status).not.toBe(0);
      expect(unknown.stderr).toContain("argument 'signing' is invalid");
    });
  });

  describe('when the key sets of an authorizer and an executor are exported with periods and merged', () => {
    it('writes one key set with both keys, their purposes and signing periods, which the auditor reads', () => {
      const authorization = json<KeyInfo>(writOk('keys', 'create', '--json'));
      const receipt = json<KeyInfo>(writOk('keys', '--purpose', 'receipt', 'create', '--json'));
      const authorizerFile = join(root, 'authorization-keys.json');
      const executorFile = join(root, 'receipt-keys.json');
      writOk('keys', 'export', '--with-periods', '--out', authorizerFile);
      writOk('keys', '--purpose', 'receipt', 'export', '--with-periods', '--out', executorFile);
      const merged = json<{ keys: { kid: string; writ_purpose: string; writ: { activeFrom: string | null } }[] }>(writOk('keys', 'merge', authorizerFile, executorFile, authorizerFile));
      expect(merged.keys.map((key) => [key.kid, key.writ_purpose])).toEqual([
        [authorization.kid, 'authorization'],
        [receipt.kid, 'receipt'],
      ]);
      expect(merged.keys.every((key) => typeof key.writ.activeFrom === 'string')).toBe(true);
      expect(allKeys(merged)).not.toContain('d');
    });

    it('refuses a plain JWKS (no periods) with KEYSTORE_INVALID naming the file', () => {
      writOk('keys', 'create');
      const plain = join(root, 'plain.json');
      writOk('keys', 'export', '--out', plain);
      const run = writ('keys', 'merge', plain);
      expect(run.status).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^writ: KEYSTORE_INVALID: .*plain\.json is not a key set with signing periods/);
    });
  });

  describe('when a token is minted', () => {
    it('prints a JWT for the principal and groups that the identity verifier accepts', async () => {
      const stdout = writOk('token', 'alice', '-g', 'treasury');
      const lines = stdout.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      const token = lines[0]!;
      expect(decodeJwt(token)).toMatchObject({ iss: DEV_IDENTITY_ISSUER, aud: 'writ', sub: 'alice', groups: ['treasury'] });

      const verifier = await IdentityVerifier.create({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: join(dataDir, 'idp', 'jwks.json') });
      await expect(verifier.verify(token)).resolves.toMatchObject({ principal: 'alice', groups: ['treasury'], issuer: DEV_IDENTITY_ISSUER });
    });
  });

  describe('when a token is minted bound to a key (--bind)', () => {
    it('writes a credentials file of mode 0600 whose token confirms its key, prints no token, and the file reads back', async () => {
      const file = join(root, 'alice.credential.json');
      const stdout = writOk('token', 'alice', '-g', 'treasury', '--ttl', '600', '--bind', file);
      expect(stdout).toMatch(/^wrote a credential for alice bound to key [A-Za-z0-9_-]{43} to /);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const credential = await readBoundCredentialFile(file);
      expect(stdout).not.toContain(credential.identityToken);
      expect(stdout).toContain(credential.proofKey.thumbprint);
      const verifier = await IdentityVerifier.create({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: join(dataDir, 'idp', 'jwks.json') });
      await expect(verifier.verify(credential.identityToken)).resolves.toMatchObject({ principal: 'alice', groups: ['treasury'], confirmation: { jkt: credential.proofKey.thumbprint } });
    });
  });

  describe('when the key store manifest is corrupt', () => {
    it('prints "writ: KEYSTORE_INVALID:" and exits non-zero', () => {
      mkdirSync(keysDir, { recursive: true });
      writeFileSync(join(keysDir, 'manifest.json'), '{ "format": "writ-keystore", ');
      const run = writ('keys', 'list', '--dir', keysDir);
      expect(run.status).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^writ: KEYSTORE_INVALID: /);
    });
  });

  describe('when a token is asked for with an invalid lifetime', () => {
    it('prints "writ: INPUT_INVALID:" and exits non-zero without a token', () => {
      const run = writ('token', 'alice', '--ttl', '0');
      expect(run.status).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^writ: INPUT_INVALID: /);
    });
  });

  describe('when an operator command finds no Temporal server to talk to', () => {
    it('prints "writ: CONFIG_INVALID:" when nothing is configured and no --address is given', () => {
      const run = writ('pending', '--as', 'olivia', '-g', 'operators');
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/^writ: CONFIG_INVALID: /);
    });

    it('prints "writ: CONFIG_INVALID:" for a writ.config.json that still names the server', () => {
      writeFileSync(join(root, 'writ.config.json'), JSON.stringify({ temporal: { mode: 'external', address: '127.0.0.1:1', namespace: 'writ' } }));
      const run = writ('pending', '--as', 'olivia', '-g', 'operators');
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/^writ: CONFIG_INVALID: /);
      expect(run.stderr).toMatch(/^ {2}- temporal: /m);
    });
  });
});
