import { KeyObject, sign } from 'node:crypto';
import { WritError } from '../errors/writError';
import { ARTIFACT_ALG } from './claims';
import type { Signer } from './mintArtifact';

// base64url of `{"alg":"EdDSA","typ":<typ>,"kid":<kid>}`, by typ and kid. A signer has one
// kid and Writ two typs, so this stays tiny; the cap only guards against misuse.
const encodedHeaders = new Map<string, string>();
const MAX_CACHED_HEADERS = 64;

/**
 * Signs `payloadJson` as a compact JWS (RFC 7515) with Ed25519: protected header exactly
 * `{ alg: "EdDSA", typ, kid }` in that member order, payload the UTF-8 bytes of the JSON
 * text, unpadded base64url throughout. The bytes are what jose's CompactSign produces for
 * the same header and payload, and any JWS library verifies them.
 *
 * Signs with node:crypto directly: jose 6 goes through WebCrypto, which turns the
 * KeyObject into a CryptoKey and awaits on every call, at over twice the cost. A key
 * that is not an Ed25519 private key, or any signing failure, is SIGNER_UNAVAILABLE,
 * with no key material in the message.
 */
export function signCompactJws(typ: string, payloadJson: string, signer: Signer): string {
  const { key, kid } = signer;
  if (!(key instanceof KeyObject) || key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw new WritError('SIGNER_UNAVAILABLE', `signing key ${kid} is not an Ed25519 private key`);
  }
  const signingInput = `${encodedHeader(typ, kid)}.${Buffer.from(payloadJson, 'utf8').toString('base64url')}`;
  let signature: Buffer;
  try {
    signature = sign(null, Buffer.from(signingInput, 'ascii'), key);
  } catch (error) {
    throw new WritError('SIGNER_UNAVAILABLE', `signing with key ${kid} failed: ${(error as Error).name}`);
  }
  return `${signingInput}.${signature.toString('base64url')}`;
}

function encodedHeader(typ: string, kid: string): string {
  const cacheKey = `${typ}\u0000${kid}`;
  let encoded = encodedHeaders.get(cacheKey);
  if (encoded === undefined) {
    encoded = Buffer.from(JSON.stringify({ alg: ARTIFACT_ALG, typ, kid }), 'utf8').toString('base64url');
    if (encodedHeaders.size >= MAX_CACHED_HEADERS) encodedHeaders.clear();
    encodedHeaders.set(cacheKey, encoded);
  }
  return encoded;
}
