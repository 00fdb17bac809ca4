import { sign, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { WritError } from '../../../core/errors/writError';
import { KeyStore } from '../../../core/keys/keyStore';
import { TrustedKeySet } from '../../../core/keys/trustedKeySet';
import { awaitedCodeOf } from '../../support/codeOf';

const temporaryDirectories: string[] = [];

function freshDirectory(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-keys-'));
  temporaryDirectories.push(dir);
  return path.join(dir, 'store');
}

afterAll(() => {
  for (const dir of temporaryDirectories) fs.rmSync(dir, { recursive: true, force: true });
});

/** A clock that moves one minute per reading, so createdAt orders keys. */
function steppingClock(start = Date.parse('2030-01-01T00:00:00Z')): () => Date {
  let now = start;
  return () => {
    const reading = new Date(now);
    now += 60_000;
    return reading;
  };
}

function privateFile(dir: string, kid: string): string {
  return path.join(dir, `${kid}.private.jwk.json`);
}

describe('KeyStore', () => {
  describe('when the directory does not exist', () => {
    it('opens without creating anything and lists no keys', () => {
      const dir = freshDirectory();
      const store = KeyStore.open(dir);
      expect(store.list()).toEqual([]);
      expect(store.exportPublicJwks()).toEqual({ keys: [] });
      expect(fs.existsSync(dir)).toBe(false);
    });

    it('has no signer', async () => {
      expect(await awaitedCodeOf(() => KeyStore.open(freshDirectory()).loadSigningKey())).toBe('SIGNER_UNAVAILABLE');
    });
  });

  describe('when keys are created', () => {
    it('makes the first key active with its RFC 7638 thumbprint as kid and the clock as createdAt', async () => {
      const dir = freshDirectory();
      const store = KeyStore.open(dir, { clock: () => new Date('2030-05-06T07:08:09.000Z') });
      const info = await store.create();
      expect(info).toEqual({ kid: expect.any(String), createdAt: '2030-05-06T07:08:09.000Z', status: 'active', purpose: 'authorization' });
      const [published] = store.exportPublicJwks().keys;
      expect(published).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: info.kid, alg: 'EdDSA', use: 'sig', writ_purpose: 'authorization' });
      expect(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: published?.x ?? '' }, 'sha256')).toBe(info.kid);
    });

    it('publishes a second key as verify-only and keeps the first active', async () => {
      const store = KeyStore.open(freshDirectory(), { clock: steppingClock() });
      const first = await store.create();
      const second = await store.create();
      expect(store.list().map((key) => [key.kid, key.status])).toEqual([
        [first.kid, 'active'],
        [second.kid, 'verify-only'],
      ]);
      expect((await store.loadSigningKey()).kid).toBe(first.kid);
    });

    it('writes the private key file with mode 0600 and the directory with mode 0700', async () => {
      const dir = freshDirectory();
      const { kid } = await KeyStore.open(dir).create();
      expect(fs.statSync(privateFile(dir, kid)).mode & 0o777).toBe(0o600);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    });

    it('leaves no temporary files behind', async () => {
      const dir = freshDirectory();
      const store = KeyStore.open(dir);
      const { kid } = await store.create();
      await store.rotate();
      expect(fs.readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
      expect(fs.readdirSync(dir)).toEqual(expect.arrayContaining(['manifest.json', 'jwks.json', `${kid}.private.jwk.json`]));
    });
  });

  describe('when the store holds receipt keys', () => {
    it('records and publishes the purpose of every key it makes', async () => {
      const dir = freshDirectory();
      const store = KeyStore.open(dir, { purpose: 'receipt' });
      const first = await store.create();
      await store.rotate();
      expect(first.purpose).toBe('receipt');
      expect(store.list().map((key) => key.purpose)).toEqual(['receipt', 'receipt']);
      expect(store.exportPublicJwks().keys.map((key) => key.writ_purpose)).toEqual(['receipt', 'receipt']);
      expect(TrustedKeySet.fromFile(store.jwksPath).purposeOf(first.kid)).toBe('receipt');
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { keys: { purpose: string }[] };
      expect(manifest.keys.map((key) => key.purpose)).toEqual(['receipt', 'receipt']);
    });

    it('refuses to open it as an authorization key store, and the reverse, with KEYSTORE_INVALID', async () => {
      const receipts = freshDirectory();
      await KeyStore.open(receipts, { purpose: 'receipt' }).create();
      expect(await awaitedCodeOf(() => KeyStore.open(receipts).loadSigningKey())).toBe('KEYSTORE_INVALID');
      expect(await awaitedCodeOf(() => KeyStore.open(receipts, { purpose: 'authorization' }).create())).toBe('KEYSTORE_INVALID');
      const authorizations = freshDirectory();
      await KeyStore.open(authorizations).create();
      expect(await awaitedCodeOf(() => KeyStore.open(authorizations, { purpose: 'receipt' }).list())).toBe('KEYSTORE_INVALID');
    });
  });

  describe('when the manifest was written before keys had purposes', () => {
    it('reads its keys as authorization keys and publishes them without a purpose, as before', async () => {
      const dir = freshDirectory();
      const store = KeyStore.open(dir, { clock: steppingClock() });
      const old = await store.create();
      const manifestFile = path.join(dir, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { keys: Record<string, unknown>[] };
      for (const key of manifest.keys) delete key['purpose'];
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));
      expect(store.list()).toEqual([{ ...old, purpose: 'authorization' }]);
      expect(store.exportPublicJwks().keys[0]).not.toHaveProperty('writ_purpose');
      expect((await store.loadSigningKey()).kid).toBe(old.kid);
      expect(await awaitedCodeOf(() => KeyStore.open(dir, { purpose: 'receipt' }).list())).toBe('KEYSTORE_INVALID');
      // A rotation adds a marked key; the old one keeps its unmarked record.
      const next = await store.rotate();
      expect(store.exportPublicJwks().keys.map((key) => [key.kid, key.writ_purpose])).toEqual([
        [next.kid, 'authorization'],
        [old.kid, undefined],
      ]);
    });
  });

  describe('when an active key is ensured', () => {
    it('creates one only when there is none', async () => {
      const store = KeyStore.open(freshDirectory());
      const first = await store.ensureActive();
      const again = await store.ensureActive();
      expect(again).toEqual(first);
      expect(store.list()).toHaveLength(1);
    });

    it('creates exactly one active key when called concurrently', async () => {
      const store = KeyStore.open(freshDirectory());
      const results = await Promise.all([store.ensureActive(), store.ensureActive(), store.ensureActive()]);
      expect(new Set(results.map((info) => info.kid)).size).toBe(1);
      expect(store.list().filter((key) => key.status === 'active')).toHaveLength(1);
    });
  });

  describe('when the store is rotated', () => {
    it('activates a new key and keeps the previous one published as verify-only', async () => {
      const store = KeyStore.open(freshDirectory(), { clock: steppingClock() });
      const old = await store.create();
      const next = await store.rotate();
      expect(next.status).toBe('active');
      expect(store.list().map((key) => [key.kid, key.status])).toEqual([
        [old.kid, 'verify-only'],
        [next.kid, 'active'],
      ]);
      expect(store.exportPublicJwks().keys.map((key) => key.kid)).toEqual([next.kid, old.kid]);
      expect((await store.loadSigningKey()).kid).toBe(next.kid);
    });

    it('signs with the new key so that the published set verifies it', async () => {
      const store = KeyStore.open(freshDirectory());
      await store.create();
      await store.rotate();
      const { kid, key } = await store.loadSigningKey();
      const message = Buffer.from('authorize payment');
      const signature = sign(null, message, key);
      const trusted = TrustedKeySet.fromFile(store.jwksPath);
      expect(verify(null, message, trusted.get(kid), signature)).toBe(true);
    });
  });

  describe('when a key is retired', () => {
    it('removes it from the public set and deletes its private key', async () => {
      const dir = freshDirectory();
      const store = KeyStore.open(dir, { clock: steppingClock() });
      const old = await store.create();
      await store.rotate();
      expect(store.retire(old.kid)).toEqual({ ...old, status: 'retired' });
      expect(store.list().find((key) => key.kid === old.kid)?.status).toBe('retired');
      expect(store.exportPublicJwks().keys.map((key) => key.kid)).not.toContain(old.kid);
      expect(TrustedKeySet.fromFile(store.jwksPath).has(old.kid)).toBe(false);
      expect(fs.existsSync(privateFile(dir, old.kid))).toBe(false);
    });

    it('leaves no signer when the active key is retired', async () => {
      const store = KeyStore.open(freshDirectory());
      const active = await store.create();
      store.retire(active.kid);
      expect(await awaitedCodeOf(() => store.loadSigningKey())).toBe('SIGNER_UNAVAILABLE');
      expect((await store.ensureActive()).kid).not.toBe(active.kid);
    });

    it('refuses an unknown kid with KEY_NOT_FOUND', async () => {
      const store = KeyStore.open(freshDirectory());
      await store.create();
      expect(await awaitedCodeOf(() => store.retire('no-such-kid'))).toBe('KEY_NOT_FOUND');
      expect(await awaitedCodeOf(() => store.retire('../../etc/passwd'))).toBe('KEY_NOT_FOUND');
    });
  });

  describe('when the public key set is written', () => {
    it('never contains private key material, in jwks.json, the manifest or any return value', async () => {
      const dir = freshDirectory();
      const store = KeyStore.open(dir);
      const created = await store.create();
      const rotated = await store.rotate();
      await store.create();
      const secrets = fs
        .readdirSync(dir)
        .filter((name) => name.endsWith('.private.jwk.json'))
        .map((name) => (JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { d: string }).d);
      expect(secrets).toHaveLength(3);
      const jwksText = fs.readFileSync(path.join(dir, 'jwks.json'), 'utf8');
      const publicTexts = [
        jwksText,
        fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'),
        JSON.stringify([created, rotated, store.list(), store.exportPublicJwks()]),
      ];
      for (const text of publicTexts) {
        for (const secret of secrets) expect(text).not.toContain(secret);
        expect(text).not.toMatch(/"d"\s*:/);
      }
      expect(JSON.parse(jwksText)).toEqual(store.exportPublicJwks());
    });
  });

  describe('when the manifest is corrupt', () => {
    it.each<[string, (manifest: string) => string]>([
      ['not JSON', () => '{ not json'],
      ['a duplicate member', (text) => text.replace('"version": 1', '"version": 1, "version": 1')],
      ['an unknown status', (text) => text.replace('"active"', '"signing"')],
      ['an unknown member', (text) => text.replace('"version": 1', '"version": 1, "extra": true')],
      ['two active keys', (text) => text.replace('"verify-only"', '"active"')],
      ['a kid that is a path', (text) => text.replace(/"kid": "[^"]+"/, '"kid": "../../../../tmp/x"')],
    ])('refuses a manifest with %s as KEYSTORE_INVALID', async (_kind, corrupt) => {
      const dir = freshDirectory();
      const store = KeyStore.open(dir);
      await store.create();
      await store.create();
      const file = path.join(dir, 'manifest.json');
      fs.writeFileSync(file, corrupt(fs.readFileSync(file, 'utf8')));
      expect(await awaitedCodeOf(() => store.list())).toBe('KEYSTORE_INVALID');
      expect(await awaitedCodeOf(() => store.create())).toBe('KEYSTORE_INVALID');
      expect(await awaitedCodeOf(() => store.loadSigningKey())).toBe('KEYSTORE_INVALID');
    });

    it('refuses a missing manifest beside existing key files instead of starting afresh', async () => {
      const dir = freshDirectory();
      const store = KeyStore.open(dir);
      await store.create();
      fs.rmSync(path.join(dir, 'manifest.json'));
      expect(await awaitedCodeOf(() => store.list())).toBe('KEYSTORE_INVALID');
      expect(await awaitedCodeOf(() => store.ensureActive())).toBe('KEYSTORE_INVALID');
    });
  });

  describe('when the active private key is missing or unusable', () => {
    async function storeWithActiveKey(): Promise<{ store: KeyStore; file: string; kid: string }> {
      const dir = freshDirectory();
      const store = KeyStore.open(dir);
      const { kid } = await store.create();
      return { store, file: privateFile(dir, kid), kid };
    }

    it('refuses a deleted private key with SIGNER_UNAVAILABLE', async () => {
      const { store, file } = await storeWithActiveKey();
      fs.rmSync(file);
      expect(await awaitedCodeOf(() => store.loadSigningKey())).toBe('SIGNER_UNAVAILABLE');
    });

    it('refuses a private key file readable by others with SIGNER_UNAVAILABLE', async () => {
      const { store, file } = await storeWithActiveKey();
      fs.chmodSync(file, 0o644);
      expect(await awaitedCodeOf(() => store.loadSigningKey())).toBe('SIGNER_UNAVAILABLE');
    });

    it('refuses a malformed private key file without echoing its content', async () => {
      const { store, file } = await storeWithActiveKey();
      const original = JSON.parse(fs.readFileSync(file, 'utf8')) as { d: string };
      fs.writeFileSync(file, JSON.stringify({ ...original, d: 123 }), { mode: 0o600 });
      let caught: unknown;
      try {
        await store.loadSigningKey();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WritError);
      expect((caught as WritError).code).toBe('SIGNER_UNAVAILABLE');
      expect(JSON.stringify({ message: (caught as WritError).message, issues: (caught as WritError).issues })).not.toContain(
        original.d,
      );
    });

    it('refuses a private key that is not the published one', async () => {
      const { store, file } = await storeWithActiveKey();
      const other = KeyStore.open(freshDirectory());
      const { kid: otherKid } = await other.create();
      const foreign = JSON.parse(fs.readFileSync(privateFile(other.directory, otherKid), 'utf8')) as Record<string, string>;
      const mine = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
      // Right kid and x, someone else's d: only the derived public key can tell.
      fs.writeFileSync(file, JSON.stringify({ ...mine, d: foreign.d }), { mode: 0o600 });
      expect(await awaitedCodeOf(() => store.loadSigningKey())).toBe('SIGNER_UNAVAILABLE');
    });

    it('loads a KeyObject that signs for the published key when all is well', async () => {
      const { store, kid } = await storeWithActiveKey();
      const signer = await store.loadSigningKey();
      expect(signer.kid).toBe(kid);
      expect(signer.key.type).toBe('private');
      expect(signer.key.asymmetricKeyType).toBe('ed25519');
    });

    it('gives a Signer that signs for the published key and hands out no key material', async () => {
      const { store, kid } = await storeWithActiveKey();
      const signer = await store.loadSigner();
      const message = Buffer.from('signing input');
      const signature = signer.sign(message);
      expect(signer.kid).toBe(kid);
      expect(signature).toBeInstanceOf(Uint8Array);
      expect(verify(null, message, TrustedKeySet.fromJwks(store.exportPublicJwks()).get(kid), signature as Uint8Array)).toBe(true);
      expect(Object.keys(signer).sort()).toEqual(['kid', 'sign']);
      expect(JSON.stringify(signer)).not.toMatch(/"d"|private/);
    });

    it('refuses a Signer as it refuses the key (SIGNER_UNAVAILABLE with no active key)', async () => {
      expect(await awaitedCodeOf(() => KeyStore.open(freshDirectory()).loadSigner())).toBe('SIGNER_UNAVAILABLE');
    });
  });

  describe('when opened with a bad directory argument', () => {
    it('refuses an empty path with CONFIG_INVALID', async () => {
      expect(await awaitedCodeOf(() => KeyStore.open(''))).toBe('CONFIG_INVALID');
    });
  });
});
