import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KeyStore } from '../../../core/keys/keyStore';
import { Pkcs11Signer } from '../../../core/keys/pkcs11/pkcs11Signer';
import { TrustedKeySet } from '../../../core/keys/trustedKeySet';
import { SOFTHSM_MODULE, startSoftHsm, TEST_PIN, type SoftHsm } from '../../support/softhsmToken';

const CLI = resolve(__dirname, '../../../dist/tools/cli/main.js');
const TOKEN = 'writ-cli';

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: string;
  use: string;
}

let hsm: SoftHsm;
let root: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
  hsm = startSoftHsm([TOKEN]);
});
afterAll(() => hsm?.dispose());
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'writ-cli-pkcs11-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/**
 * Runs `writ ...args` as a real process from the temp directory, with no WRIT_ setting
 * but WRIT_DATA_DIR and the PIN in WRIT_PKCS11_PIN (another `pin`, or none for null). The
 * run's SOFTHSM2_CONF is inherited, so it sees this file's tokens.
 */
function writ(args: string[], pin: string | null = TEST_PIN): CliRun {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('WRIT_')) env[name] = value;
  env['WRIT_DATA_DIR'] = join(root, 'data');
  if (pin !== null) env['WRIT_PKCS11_PIN'] = pin;
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function writOk(args: string[]): string {
  const run = writ(args);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return run.stdout;
}

/** The run failed with a first stderr line `writ: <code>: ...` and no stack trace; returns that line. */
function refusal(run: CliRun, code: string): string {
  expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 1, stdout: '' });
  const [first] = run.stderr.split('\n');
  expect(first).toMatch(new RegExp(`^writ: ${code}: `));
  expect(run.stderr).not.toMatch(/^\s+at /m);
  return run.stderr;
}

/** The flags naming `keyLabel` in this file's token. */
function tokenFlags(keyLabel: string): string[] {
  return ['--module', SOFTHSM_MODULE, '--token', hsm.label(TOKEN), '--key-label', keyLabel];
}

/** The signer configuration of writ.config.json for `keyLabel` in this file's token. */
function writeSignerConfig(keyLabel: string): void {
  const signer = { kind: 'pkcs11', module: SOFTHSM_MODULE, tokenLabel: hsm.label(TOKEN), keyLabel };
  writeFileSync(join(root, 'writ.config.json'), JSON.stringify({ signer }));
}

async function kidInToken(keyLabel: string): Promise<string> {
  const signer = await Pkcs11Signer.open({ kind: 'pkcs11', module: SOFTHSM_MODULE, tokenLabel: hsm.label(TOKEN), keyLabel, pinEnv: 'PIN' }, { env: { PIN: TEST_PIN } });
  await signer.close();
  return signer.kid;
}

describe('writ keys pkcs11', () => {
  describe('create', () => {
    it('makes a key in the token and prints its kid and public JWK, never a private member', async () => {
      const created = JSON.parse(writOk(['keys', 'pkcs11', ...tokenFlags('cli-create'), 'create', '--json'])) as { kid: string; publicJwk: PublicJwk; keyLabel: string; keyId: string; tokenLabel: string };
      expect(created).toEqual({ kid: await kidInToken('cli-create'), publicJwk: expect.objectContaining({ kid: created.kid, kty: 'OKP', crv: 'Ed25519' }), keyLabel: 'cli-create', keyId: expect.any(String), tokenLabel: hsm.label(TOKEN) });
      expect(Object.keys(created.publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    });

    it('reads the token and key from the "signer" of writ.config.json', async () => {
      writeSignerConfig('cli-configured');
      const text = writOk(['keys', 'pkcs11', 'create']);
      expect(text).toContain(`created key ${await kidInToken('cli-configured')} in PKCS#11 token "${hsm.label(TOKEN)}"`);
    });

    it('refuses a label the token already holds (KEYSTORE_INVALID)', () => {
      writOk(['keys', 'pkcs11', ...tokenFlags('cli-twice'), 'create']);
      expect(refusal(writ(['keys', 'pkcs11', ...tokenFlags('cli-twice'), 'create']), 'KEYSTORE_INVALID')).toContain('already holds a private key labelled "cli-twice"');
    });

    it('says which settings are missing when neither flags nor writ.config.json name the token (CONFIG_INVALID)', () => {
      const stderr = refusal(writ(['keys', 'pkcs11', 'create']), 'CONFIG_INVALID');
      expect(stderr).toContain('--module');
      expect(stderr).toContain('--token');
      expect(stderr).toContain('--key-label');
    });

    it('refuses a wrong PIN, an unset PIN variable and a missing module (SIGNER_UNAVAILABLE)', () => {
      expect(refusal(writ(['keys', 'pkcs11', ...tokenFlags('cli-pin'), 'create'], `${TEST_PIN}1`), 'SIGNER_UNAVAILABLE')).toContain('refused the PIN in WRIT_PKCS11_PIN');
      expect(refusal(writ(['keys', 'pkcs11', ...tokenFlags('cli-pin'), 'create'], null), 'SIGNER_UNAVAILABLE')).toContain('WRIT_PKCS11_PIN is not set');
      expect(refusal(writ(['keys', 'pkcs11', '--module', '/usr/lib/none.so', '--token', hsm.label(TOKEN), '--key-label', 'x', 'create']), 'SIGNER_UNAVAILABLE')).toContain('/usr/lib/none.so does not exist');
    });
  });

  describe('export', () => {
    it("prints the token key's public JWK", async () => {
      writOk(['keys', 'pkcs11', ...tokenFlags('cli-export'), 'create']);
      const jwk = JSON.parse(writOk(['keys', 'pkcs11', ...tokenFlags('cli-export'), 'export'])) as PublicJwk;
      expect(jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: await kidInToken('cli-export'), alg: 'EdDSA', use: 'sig' });
    });

    it('adds it to a JWKS file a verifier then trusts, once however often it is run', async () => {
      writOk(['keys', 'pkcs11', ...tokenFlags('cli-jwks'), 'create']);
      const file = join(root, 'trusted', 'jwks.json');
      const kid = await kidInToken('cli-jwks');
      expect(writOk(['keys', 'pkcs11', ...tokenFlags('cli-jwks'), 'export', '--out', file])).toBe(`added key ${kid} to ${file} (1 key(s))\n`);
      expect(writOk(['keys', 'pkcs11', ...tokenFlags('cli-jwks'), 'export', '--out', file])).toBe(`key ${kid} is already in ${file} (1 key(s))\n`);
      expect(TrustedKeySet.fromFile(file).kids()).toEqual([kid]);
    });

    it('adds it beside the keys a JWKS file already holds', async () => {
      writOk(['keys', '--dir', join(root, 'keys'), 'create']);
      const file = join(root, 'jwks.json');
      writOk(['keys', '--dir', join(root, 'keys'), 'export', '--out', file]);
      writOk(['keys', 'pkcs11', ...tokenFlags('cli-beside'), 'create']);
      writOk(['keys', 'pkcs11', ...tokenFlags('cli-beside'), 'export', '--out', file]);
      expect(TrustedKeySet.fromFile(file).kids()).toEqual([KeyStore.open(join(root, 'keys')).list()[0]?.kid, await kidInToken('cli-beside')]);
    });

    it('refuses a file that is not a public key set, and leaves it as it was (KEYSTORE_INVALID)', () => {
      writOk(['keys', 'pkcs11', ...tokenFlags('cli-bad-file'), 'create']);
      const file = join(root, 'jwks.json');
      writeFileSync(file, '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA","kid":"k","d":"secret"}]}');
      refusal(writ(['keys', 'pkcs11', ...tokenFlags('cli-bad-file'), 'export', '--out', file]), 'KEYSTORE_INVALID');
      expect(readFileSync(file, 'utf8')).toContain('"d":"secret"');
    });

    it('refuses a key label the token does not hold (KEY_NOT_FOUND)', () => {
      expect(refusal(writ(['keys', 'pkcs11', ...tokenFlags('cli-never-made'), 'export']), 'KEY_NOT_FOUND')).toContain('no private key labelled "cli-never-made"');
    });
  });

  describe('activate', () => {
    it('makes the token key the active signer of the key directory, the previous key verify-only, and publishes it', async () => {
      const keysDir = join(root, 'keys');
      const local = JSON.parse(writOk(['keys', '--dir', keysDir, 'create', '--json'])) as { kid: string };
      writOk(['keys', 'pkcs11', ...tokenFlags('cli-activate'), 'create']);
      const kid = await kidInToken('cli-activate');
      const activated = JSON.parse(writOk(['keys', '--dir', keysDir, 'pkcs11', ...tokenFlags('cli-activate'), 'activate', '--json'])) as { kid: string; status: string; heldIn: string };
      expect(activated).toEqual({ kid, createdAt: expect.any(String), status: 'active', purpose: 'authorization', heldIn: 'pkcs11' });
      expect(KeyStore.open(keysDir).list().map((key) => [key.kid, key.status])).toEqual([
        [local.kid, 'verify-only'],
        [kid, 'active'],
      ]);
      expect(writOk(['keys', '--dir', keysDir, 'list'])).toMatch(new RegExp(`^${kid}  active .*\\(in a PKCS#11 token\\)$`, 'm'));
      const published = JSON.parse(writOk(['keys', '--dir', keysDir, 'export'])) as { keys: PublicJwk[] };
      expect(published.keys.map((key) => key.kid)).toEqual([kid, local.kid]);
    });

    it('uses the key directory of writ.config.json (<dataDir>/keys) when no --dir is given, and says how to configure the signer', async () => {
      writOk(['keys', 'pkcs11', ...tokenFlags('cli-default-dir'), 'create']);
      const text = writOk(['keys', 'pkcs11', ...tokenFlags('cli-default-dir'), 'activate']);
      expect(KeyStore.open(join(root, 'data', 'keys')).list().map((key) => key.kid)).toEqual([await kidInToken('cli-default-dir')]);
      expect(text).toContain('"signer": {"kind":"pkcs11"');
    });
  });
});
