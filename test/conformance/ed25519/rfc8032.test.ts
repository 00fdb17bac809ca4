import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TrustedKeySet } from '../../../core/keys/trustedKeySet';

const hex = z.string().regex(/^([0-9a-f]{2})*$/);
const VectorsSchema = z.strictObject({
  source: z.string(),
  note: z.string(),
  vectors: z.array(
    z.strictObject({
      name: z.string(),
      valid: z.boolean(),
      secretKey: hex.length(64).optional(),
      publicKey: hex.length(64),
      message: hex,
      signature: hex,
      derivedFrom: z.string().optional(),
      change: z.string().optional(),
    }),
  ),
});

const { vectors } = VectorsSchema.parse(JSON.parse(fs.readFileSync(path.join(__dirname, 'rfc8032.json'), 'utf8')));

// PKCS#8 prefix of an Ed25519 private key; the 32-byte seed follows it (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The public key as Writ's verifiers hold it: built by TrustedKeySet from a published JWK. */
function trustedKey(publicKeyHex: string) {
  const kid = `rfc8032-${publicKeyHex.slice(0, 8)}`;
  return TrustedKeySet.fromJwks({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyHex, 'hex').toString('base64url'), kid, alg: 'EdDSA', use: 'sig' }] }).get(kid);
}

describe('RFC 8032 section 7.1 Ed25519 vectors through node:crypto', () => {
  it('holds the four RFC vectors and derived invalid ones', () => {
    expect(vectors.filter((v) => v.valid).map((v) => v.name)).toEqual(['TEST 1', 'TEST 2', 'TEST 3', 'TEST SHA(abc)']);
    expect(vectors.filter((v) => !v.valid).every((v) => v.derivedFrom !== undefined && v.change !== undefined)).toBe(true);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s: crypto.verify accepts it exactly when it is valid', (_name, vector) => {
    const accepted = verify(null, Buffer.from(vector.message, 'hex'), trustedKey(vector.publicKey), Buffer.from(vector.signature, 'hex'));
    expect(accepted).toBe(vector.valid);
  });

  describe.each(vectors.filter((v) => v.secretKey !== undefined).map((v) => [v.name, v] as const))('%s, from its secret key', (_name, vector) => {
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(vector.secretKey ?? '', 'hex')]), format: 'der', type: 'pkcs8' });

    it('derives the published public key', () => {
      const x = createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '';
      expect(Buffer.from(x, 'base64url').toString('hex')).toBe(vector.publicKey);
    });

    it('signs the message to the published signature (Ed25519 is deterministic)', () => {
      expect(sign(null, Buffer.from(vector.message, 'hex'), privateKey).toString('hex')).toBe(vector.signature);
    });
  });
});
