import { generateKeyPairSync } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { ARTIFACT_TYP } from '../../../core/artifact/claims';
import type { Signer } from '../../../core/artifact/mintArtifact';
import { signCompactJws } from '../../../core/artifact/signCompactJws';
import { WritError } from '../../../core/errors/writError';
import { localSigner } from '../../../core/keys/localSigner';
import { rejectionCode, rejectionOf } from './artifactTestKit';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const KID = 'kid-under-test';
const PAYLOAD = JSON.stringify({ iss: 'writ', note: 'ünïcode ✓' });
const local = localSigner(KID, privateKey);

describe('signCompactJws', () => {
  describe('with a local signer', () => {
    it("gives exactly jose's CompactSign bytes for the same header and payload", async () => {
      const jose = await new CompactSign(new TextEncoder().encode(PAYLOAD)).setProtectedHeader({ alg: 'EdDSA', typ: ARTIFACT_TYP, kid: KID }).sign(privateKey);
      expect(await signCompactJws(ARTIFACT_TYP, PAYLOAD, local)).toBe(jose);
    });
  });

  describe('with an asynchronous signer (a key in a token)', () => {
    it('gives the same bytes as the local signer over the same key', async () => {
      const remote: Signer = { kid: KID, sign: async (input) => local.sign(input) };
      const token = await signCompactJws(ARTIFACT_TYP, PAYLOAD, remote);
      expect(token).toBe(await signCompactJws(ARTIFACT_TYP, PAYLOAD, local));
      const { protectedHeader } = await compactVerify(token, publicKey);
      expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: ARTIFACT_TYP, kid: KID });
    });

    it('signs the signing input, the ASCII bytes of header.payload', async () => {
      const seen: string[] = [];
      const token = await signCompactJws(ARTIFACT_TYP, PAYLOAD, { kid: KID, sign: (input) => (seen.push(Buffer.from(input).toString('ascii')), local.sign(input)) });
      expect(seen).toEqual([token.split('.').slice(0, 2).join('.')]);
    });
  });

  describe('when the signer fails', () => {
    it.each<[string, Signer['sign']]>([
      ['throws', () => { throw new Error('device error'); }],
      ['rejects', () => Promise.reject(new Error('session closed'))],
      ['gives 63 bytes', () => new Uint8Array(63)],
      ['gives 65 bytes', async () => new Uint8Array(65)],
      ['gives no bytes at all', () => 'signature' as unknown as Uint8Array],
    ])('refuses a signer that %s with SIGNER_UNAVAILABLE', async (_what, sign) => {
      expect(await rejectionCode(() => signCompactJws(ARTIFACT_TYP, PAYLOAD, { kid: KID, sign }))).toBe('SIGNER_UNAVAILABLE');
    });

    it("keeps a signer's own SIGNER_UNAVAILABLE as worded (it names what to check)", async () => {
      const own = new WritError('SIGNER_UNAVAILABLE', 'PKCS#11 token "writ": check WRIT_PKCS11_PIN');
      expect(await rejectionOf(() => signCompactJws(ARTIFACT_TYP, PAYLOAD, { kid: KID, sign: () => Promise.reject(own) }))).toBe(own);
    });

    it("turns a signer's other WritError into SIGNER_UNAVAILABLE naming it", async () => {
      const error = await rejectionOf(() => signCompactJws(ARTIFACT_TYP, PAYLOAD, { kid: KID, sign: () => Promise.reject(new WritError('KEY_NOT_FOUND', 'no key labelled writ')) }));
      expect(error).toMatchObject({ code: 'SIGNER_UNAVAILABLE', message: expect.stringContaining('KEY_NOT_FOUND: no key labelled writ') });
    });
  });
});
