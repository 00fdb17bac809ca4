import { createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, generateKeyPair } from 'jose';
import { exportProofKey, generateProofKey, importProofKey, proofKeyIssues, ed25519Thumbprint } from '../../../core/identity/proofKey';
import { WritError } from '../../../core/errors/writError';
import { awaitedCodeOf } from '../../support/codeOf';

describe('ProofKey', () => {
  describe('when generated', () => {
    it('has a public Ed25519 JWK of kty, crv and x only, and its RFC 7638 thumbprint', async () => {
      const key = await generateProofKey();
      expect(Object.keys(key.publicJwk).sort()).toEqual(['crv', 'kty', 'x']);
      expect(key.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
      expect(key.thumbprint).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
      expect(ed25519Thumbprint(key.publicJwk.x)).toBe(key.thumbprint);
      expect(proofKeyIssues(key)).toEqual([]);
      expect((await generateProofKey()).thumbprint).not.toBe(key.thumbprint);
    });
  });

  describe('when exported and imported again', () => {
    it('is the same key, with its thumbprint as kid', async () => {
      const key = await generateProofKey();
      const jwk = exportProofKey(key);
      expect(jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x, d: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: key.thumbprint });
      const imported = await importProofKey(jwk);
      expect(imported.publicJwk).toEqual(key.publicJwk);
      expect(imported.thumbprint).toBe(key.thumbprint);
      const { kid: _kid, ...withoutKid } = jwk;
      expect((await importProofKey(withoutKid)).thumbprint).toBe(key.thumbprint);
    });

    it('refuses a JWK whose x is not the public half of d (INPUT_INVALID)', async () => {
      const jwk = exportProofKey(await generateProofKey());
      const other = await generateProofKey();
      const { kid: _kid, ...rest } = jwk;
      expect(await awaitedCodeOf(() => importProofKey({ ...rest, x: other.publicJwk.x }))).toBe('INPUT_INVALID');
    });

    it('refuses a kid that is not the thumbprint, a missing d, an unknown member or another curve (INPUT_INVALID)', async () => {
      const jwk = exportProofKey(await generateProofKey());
      const { d: _d, ...publicOnly } = jwk;
      expect(await awaitedCodeOf(() => importProofKey({ ...jwk, kid: 'A'.repeat(43) }))).toBe('INPUT_INVALID');
      expect(await awaitedCodeOf(() => importProofKey(publicOnly))).toBe('INPUT_INVALID');
      expect(await awaitedCodeOf(() => importProofKey({ ...jwk, alg: 'EdDSA' }))).toBe('INPUT_INVALID');
      expect(await awaitedCodeOf(() => importProofKey({ ...jwk, crv: 'X25519' }))).toBe('INPUT_INVALID');
      expect(await awaitedCodeOf(() => importProofKey('not a key'))).toBe('INPUT_INVALID');
    });

    it('never puts the private key material in the error', async () => {
      const jwk = exportProofKey(await generateProofKey());
      const error = (await importProofKey({ ...jwk, kid: 'A'.repeat(43) }).catch((e: unknown) => e)) as WritError;
      expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain(jwk.d);
    });
  });

  describe('when checked without awaiting', () => {
    it('accepts a WebCrypto Ed25519 key', async () => {
      const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const x = (await crypto.subtle.exportKey('jwk', publicKey)).x!;
      expect(proofKeyIssues({ privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x }, thumbprint: ed25519Thumbprint(x) })).toEqual([]);
    });

    it('names a public JWK of another key, a wrong thumbprint, a public key as private key and a non-object', async () => {
      const key = await generateProofKey();
      const other = await generateProofKey();
      expect(proofKeyIssues({ ...key, publicJwk: other.publicJwk, thumbprint: other.thumbprint }).map((i) => i.path)).toEqual(['publicJwk']);
      expect(proofKeyIssues({ ...key, thumbprint: other.thumbprint }).map((i) => i.path)).toEqual(['thumbprint']);
      expect(proofKeyIssues({ ...key, publicJwk: { ...key.publicJwk, d: 'x' } }).map((i) => i.path)).toEqual(['publicJwk']);
      expect(proofKeyIssues({ ...key, privateKey: createPublicKey(key.privateKey as never) }).map((i) => i.path)).toEqual(['privateKey']);
      expect(proofKeyIssues('key').map((i) => i.path)).toEqual(['(root)']);
    });
  });
});
