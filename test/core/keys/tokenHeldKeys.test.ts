import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import type { Ed25519PublicJwk } from '../../../core/keys/ed25519Jwk';
import { KeyStore } from '../../../core/keys/keyStore';
import { awaitedCodeOf } from '../../support/codeOf';

const temporaryDirectories: string[] = [];

function freshStore(clock?: () => Date): KeyStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-token-held-'));
  temporaryDirectories.push(dir);
  return KeyStore.open(path.join(dir, 'keys'), clock === undefined ? {} : { clock });
}

afterAll(() => {
  for (const dir of temporaryDirectories) fs.rmSync(dir, { recursive: true, force: true });
});

/** A clock that moves one minute per reading. */
function steppingClock(start = Date.parse('2030-01-01T00:00:00Z')): () => Date {
  let now = start;
  return () => new Date((now += 60_000) - 60_000);
}

/** The public half of a key as a token would give it: only the public point ever leaves. */
function tokenPublicJwk(): Ed25519PublicJwk {
  const { x } = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: String(x) };
}

describe('KeyStore with a key held in a PKCS#11 token', () => {
  describe('when the token key is activated', () => {
    it('becomes the active signer and the previous key verify-only, one instant ending one period and starting the other', async () => {
      const store = freshStore(steppingClock());
      const local = await store.create();
      const jwk = tokenPublicJwk();
      const held = await store.activateTokenKey(jwk);
      expect(held).toEqual({ kid: await calculateJwkThumbprint(jwk, 'sha256'), createdAt: expect.any(String), status: 'active', purpose: 'authorization', heldIn: 'pkcs11' });
      expect(store.list().map((key) => [key.kid, key.status])).toEqual([
        [local.kid, 'verify-only'],
        [held.kid, 'active'],
      ]);
      const [previous, token] = store.exportKeyRecords();
      expect(previous?.deactivatedAt).toBe(token?.activatedAt);
      expect(token).toMatchObject({ activatedAt: held.createdAt, deactivatedAt: null, publicJwk: { ...jwk, kid: held.kid, alg: 'EdDSA', use: 'sig' } });
    });

    it('is published first in jwks.json, and no file in the directory holds anything of it but the public key', async () => {
      const store = freshStore();
      await store.create();
      const held = await store.activateTokenKey(tokenPublicJwk());
      expect(store.exportPublicJwks().keys[0]?.kid).toBe(held.kid);
      expect(JSON.parse(fs.readFileSync(store.jwksPath, 'utf8')).keys[0].kid).toBe(held.kid);
      expect(fs.readdirSync(store.directory).filter((name) => name.startsWith(held.kid))).toEqual([]);
    });

    it('works in an empty directory, which it creates', async () => {
      const store = freshStore();
      const held = await store.activateTokenKey(tokenPublicJwk());
      expect(store.list()).toEqual([held]);
    });

    it('changes nothing when the key is already the active one', async () => {
      const store = freshStore(steppingClock());
      const jwk = tokenPublicJwk();
      const first = await store.activateTokenKey(jwk);
      const manifest = fs.readFileSync(path.join(store.directory, 'manifest.json'), 'utf8');
      expect(await store.activateTokenKey(jwk)).toEqual(first);
      expect(fs.readFileSync(path.join(store.directory, 'manifest.json'), 'utf8')).toBe(manifest);
    });
  });

  describe('when the active key is the token key', () => {
    it('refuses to load it from the directory with SIGNER_UNAVAILABLE naming the pkcs11 signer', async () => {
      const store = freshStore();
      await store.activateTokenKey(tokenPublicJwk());
      const error = await store.loadSigner().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'SIGNER_UNAVAILABLE', message: expect.stringContaining('PKCS#11') });
      expect(await awaitedCodeOf(() => store.loadSigningKey())).toBe('SIGNER_UNAVAILABLE');
    });

    it('rotates to a new key in the directory, leaving the token key verify-only', async () => {
      const store = freshStore(steppingClock());
      const held = await store.activateTokenKey(tokenPublicJwk());
      const next = await store.rotate();
      expect(store.list().map((key) => [key.kid, key.status])).toEqual([
        [held.kid, 'verify-only'],
        [next.kid, 'active'],
      ]);
      expect((await store.loadSigner()).kid).toBe(next.kid);
    });
  });

  describe('when a token key has stopped signing', () => {
    it('is never activated again (KEYSTORE_INVALID)', async () => {
      const store = freshStore(steppingClock());
      const jwk = tokenPublicJwk();
      await store.activateTokenKey(jwk);
      await store.rotate();
      expect(await awaitedCodeOf(() => store.activateTokenKey(jwk))).toBe('KEYSTORE_INVALID');
    });

    it('can be retired like any key', async () => {
      const store = freshStore(steppingClock());
      const held = await store.activateTokenKey(tokenPublicJwk());
      await store.rotate();
      expect(store.retire(held.kid)).toMatchObject({ kid: held.kid, status: 'retired' });
      expect(store.exportPublicJwks().keys.map((key) => key.kid)).not.toContain(held.kid);
    });
  });

  describe('when what is given is not an Ed25519 public key', () => {
    it.each<[string, unknown]>([
      ['a short x', { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }],
      ['another curve', { kty: 'OKP', crv: 'Ed448', x: tokenPublicJwk().x }],
      ['an EC key', { kty: 'EC', crv: 'P-256', x: tokenPublicJwk().x }],
    ])('refuses %s with KEYSTORE_INVALID', async (_what, jwk) => {
      expect(await awaitedCodeOf(() => freshStore().activateTokenKey(jwk as Ed25519PublicJwk))).toBe('KEYSTORE_INVALID');
    });
  });
});
