import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WritError, type WritErrorCode } from '../../../core/errors/writError';
import { KeyStore } from '../../../core/keys/keyStore';
import { TrustedKeySet } from '../../../core/keys/trustedKeySet';

function codeOf(action: () => unknown): WritErrorCode | 'NO_ERROR' | 'NOT_A_WRIT_ERROR' {
  try {
    action();
    return 'NO_ERROR';
  } catch (error) {
    return error instanceof WritError ? error.code : 'NOT_A_WRIT_ERROR';
  }
}

function ed25519Jwk(): { publicJwk: Record<string, unknown>; privateJwk: Record<string, unknown> } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { kty, crv, x, d } = privateKey.export({ format: 'jwk' });
  return { publicJwk: { kty, crv, x, kid: 'k1', alg: 'EdDSA', use: 'sig' }, privateJwk: { kty, crv, x, d, kid: 'k1' } };
}

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-trusted-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

describe('TrustedKeySet', () => {
  describe('when built from a key store JWKS', () => {
    it('lists the kids and gives node KeyObjects that verify the store signatures', async () => {
      const store = KeyStore.open(path.join(directory, 'store'));
      await store.create();
      await store.rotate();
      const set = TrustedKeySet.fromJwks(store.exportPublicJwks());
      expect(set.kids()).toEqual(store.exportPublicJwks().keys.map((key) => key.kid));
      const { kid, key } = await store.loadSigningKey();
      const signature = sign(null, Buffer.from('x'), key);
      const publicKey = set.get(kid);
      expect(publicKey.type).toBe('public');
      expect(verify(null, Buffer.from('x'), publicKey, signature)).toBe(true);
      expect(set.get(kid)).toBe(publicKey);
    });

    it('accepts members without alg and use, and ignores unknown top-level members', () => {
      const { publicJwk } = ed25519Jwk();
      const { alg: _alg, use: _use, ...bare } = publicJwk;
      expect(TrustedKeySet.fromJwks({ keys: [bare], note: 'ignored' }).kids()).toEqual(['k1']);
    });
  });

  describe('when a kid is not in the set', () => {
    it('refuses it with ARTIFACT_KEY_UNKNOWN', () => {
      const set = TrustedKeySet.fromJwks({ keys: [ed25519Jwk().publicJwk] });
      expect(codeOf(() => set.get('k2'))).toBe('ARTIFACT_KEY_UNKNOWN');
      expect(codeOf(() => set.get('__proto__'))).toBe('ARTIFACT_KEY_UNKNOWN');
      expect(set.has('k2')).toBe(false);
    });
  });

  describe('when the JWKS is not an acceptable public Ed25519 set', () => {
    const { publicJwk, privateJwk } = ed25519Jwk();
    const { publicKey: rsaKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    it.each<[string, unknown]>([
      ['a private key', { keys: [privateJwk] }],
      ['a symmetric key', { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }] }],
      ['an RSA key', { keys: [{ ...rsaKey.export({ format: 'jwk' }), kid: 'r' }] }],
      ['an X25519 key', { keys: [{ ...publicJwk, crv: 'X25519' }] }],
      ['a key without kid', { keys: [{ ...publicJwk, kid: undefined }] }],
      ['an empty kid', { keys: [{ ...publicJwk, kid: '' }] }],
      ['another algorithm', { keys: [{ ...publicJwk, alg: 'ES256' }] }],
      ['an encryption key', { keys: [{ ...publicJwk, use: 'enc' }] }],
      ['an unknown member', { keys: [{ ...publicJwk, x5c: ['MIIB'] }] }],
      ['a short x', { keys: [{ ...publicJwk, x: 'AAAA' }] }],
      ['a duplicate kid', { keys: [publicJwk, { ...ed25519Jwk().publicJwk }] }],
      ['no keys', { keys: [] }],
      ['no keys member', {}],
      ['not an object', 'jwks'],
    ])('refuses %s with KEYSTORE_INVALID', (_kind, jwks) => {
      expect(codeOf(() => TrustedKeySet.fromJwks(jwks))).toBe('KEYSTORE_INVALID');
    });

    it('never echoes the private member it refused', () => {
      let caught: unknown;
      try {
        TrustedKeySet.fromJwks({ keys: [privateJwk] });
      } catch (error) {
        caught = error;
      }
      const error = caught as WritError;
      expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain(String(privateJwk.d));
    });
  });

  describe('when read from a file', () => {
    it.each<[string, string | undefined]>([
      ['a missing file', undefined],
      ['invalid JSON', '{"keys": ['],
      ['a duplicate member', '{"keys": [], "keys": []}'],
    ])('refuses %s with KEYSTORE_INVALID', (_kind, content) => {
      const file = path.join(directory, `jwks-${Math.random().toString(16).slice(2)}.json`);
      if (content !== undefined) fs.writeFileSync(file, content);
      expect(codeOf(() => TrustedKeySet.fromFile(file))).toBe('KEYSTORE_INVALID');
    });
  });
});
