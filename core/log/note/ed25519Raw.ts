import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** The size of an Ed25519 public key and of a private seed (RFC 8032). */
export const ED25519_KEY_SIZE = 32;
/** The size of an Ed25519 signature. */
export const ED25519_SIGNATURE_SIZE = 64;

// C2SP keys carry raw 32-byte Ed25519 keys; node:crypto takes them as JWK members.

/** A node:crypto public key from the 32-byte RFC 8032 encoding. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** A node:crypto private key from its 32-byte seed, with the public key it implies. */
export function ed25519PrivateKey(seed: Uint8Array): { privateKey: KeyObject; publicKey: Buffer } {
  // The PKCS#8 wrapping of a bare seed (RFC 8410): no public key needed to load it.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: ed25519RawPublicKey(createPublicKey(privateKey)) };
}

/** A fresh Ed25519 key pair as its raw seed and public key. */
export function generateEd25519(): { seed: Buffer; publicKey: Buffer } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return { seed: Buffer.from(jwk.d!, 'base64url'), publicKey: Buffer.from(jwk.x!, 'base64url') };
}

/** The 32-byte RFC 8032 encoding of a public key. */
export function ed25519RawPublicKey(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
}
