import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verifyArtifact } from '../../../core/artifact/verifyArtifact';
import { loadConfig } from '../../../core/config/writConfig';
import { KeyStore } from '../../../core/keys/keyStore';
import { createTokenKey } from '../../../core/keys/pkcs11/createTokenKey';
import { Pkcs11Signer } from '../../../core/keys/pkcs11/pkcs11Signer';
import { openGovernance } from '../../../core/runtime/openGovernance';
import { openSigner, SIGNER_CACHE_MS } from '../../../core/runtime/openSigner';
import { forge, validContent } from '../../support/forgeArtifact';
import { startSoftHsm, TEST_PIN, TEST_PIN_ENV, type SoftHsm } from '../../support/softhsmToken';
import { TARGET, factsFor } from '../artifact/artifactTestKit';
import { awaitedCodeOf } from '../../support/codeOf';

const TOKEN = 'writ-runtime';
const KEY = 'writ-authz';
const POLICIES = path.resolve(__dirname, '../../../examples/policies');

let hsm: SoftHsm;
let tokenKid: string;
let tokenJwk: Pkcs11Signer['publicJwk'];
const directories: string[] = [];

beforeAll(async () => {
  hsm = startSoftHsm([TOKEN]);
  ({ kid: tokenKid, publicJwk: tokenJwk } = await createTokenKey(hsm.config(TOKEN, KEY), { env: hsm.env }));
});

afterAll(() => {
  hsm?.dispose();
  for (const dir of directories) fs.rmSync(dir, { recursive: true, force: true });
});

function freshDirectory(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-open-signer-'));
  directories.push(dir);
  return dir;
}

describe('openSigner', () => {
  describe('with the key directory (the default)', () => {
    it('creates the first key when asked and signs with the active one', async () => {
      const store = KeyStore.open(path.join(freshDirectory(), 'keys'));
      const source = await openSigner({ kind: 'local' }, store, { createKeys: true });
      expect((await source.signer()).kid).toBe(store.list()[0]?.kid);
    });

    it('creates nothing when not asked: no key is SIGNER_UNAVAILABLE when signing', async () => {
      const store = KeyStore.open(path.join(freshDirectory(), 'keys'));
      const source = await openSigner({ kind: 'local' }, store, { createKeys: false });
      expect(await awaitedCodeOf(() => source.signer())).toBe('SIGNER_UNAVAILABLE');
      expect(store.list()).toEqual([]);
    });
  });

  describe('with a PKCS#11 token', () => {
    it('refuses a token key the key directory does not publish as active (KEY_NOT_FOUND), and creates no key there', async () => {
      const store = KeyStore.open(path.join(freshDirectory(), 'keys'));
      expect(await awaitedCodeOf(() => openSigner(hsm.config(TOKEN, KEY), store, { createKeys: true, env: hsm.env }))).toBe('KEY_NOT_FOUND');
      expect(store.list()).toEqual([]);
    });

    it('signs with the token key once it is the active key, and stops when a rotation moves past it (SIGNER_UNAVAILABLE)', async () => {
      const store = KeyStore.open(path.join(freshDirectory(), 'keys'));
      await store.activateTokenKey(tokenJwk);
      let now = 1_000_000;
      const source = await openSigner(hsm.config(TOKEN, KEY), store, { createKeys: true, env: hsm.env, now: () => now });
      try {
        expect((await source.signer()).kid).toBe(tokenKid);
        await store.rotate();
        now += SIGNER_CACHE_MS + 1;
        expect(await awaitedCodeOf(() => source.signer())).toBe('SIGNER_UNAVAILABLE');
      } finally {
        await source.close();
      }
    });

    it('fails to open when the token cannot be used (a wrong PIN is SIGNER_UNAVAILABLE)', async () => {
      const store = KeyStore.open(path.join(freshDirectory(), 'keys'));
      await store.activateTokenKey(tokenJwk);
      expect(await awaitedCodeOf(() => openSigner(hsm.config(TOKEN, KEY), store, { createKeys: false, env: { [TEST_PIN_ENV]: 'wrong' } }))).toBe('SIGNER_UNAVAILABLE');
    });
  });
});

describe('openGovernance with "signer": { "kind": "pkcs11" }', () => {
  it('authorizes with the token key and its own enforcement point trusts what it signed', async () => {
    const root = freshDirectory();
    const config = loadConfig({ projectRoot: root, env: {}, overrides: { policiesDir: POLICIES, signer: hsm.config(TOKEN, KEY) } });
    await KeyStore.open(config.keysDir).activateTokenKey(tokenJwk);
    process.env[TEST_PIN_ENV] = TEST_PIN;
    const governance = await openGovernance(config);
    try {
      const signer = await governance.signer!();
      expect(signer.kid).toBe(tokenKid);
      expect(governance.keyStore!.list().map((key) => [key.kid, key.status, key.heldIn])).toEqual([[tokenKid, 'active', 'pkcs11']]);
      const now = new Date();
      const token = await forge(validContent(TARGET), signer, now);
      const context = { keys: governance.trustedKeys, now, clockSkewSeconds: 5, maxLifetimeSeconds: 900 };
      expect((await verifyArtifact(token, factsFor(TARGET), context)).writ.intent.action).toBe(TARGET.action);
    } finally {
      governance.close();
      delete process.env[TEST_PIN_ENV];
    }
  });
});
