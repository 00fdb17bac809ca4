import { WritError, isWritError } from '../errors/writError';
import { ARTIFACT_ALG } from './claims';
import type { Signer } from './mintArtifact';

// base64url of `{"alg":"EdDSA","typ":<typ>,"kid":<kid>}`, by typ and kid. A signer has one
// kid and Writ two typs, so this stays tiny; the cap only guards against misuse.
const encodedHeaders = new Map<string, string>();
const MAX_CACHED_HEADERS = 64;

/** The length of every Ed25519 signature (RFC 8032). */
const ED25519_SIGNATURE_BYTES = 64;

/**
 * Signs `payloadJson` as a compact JWS (RFC 7515) with Ed25519: protected header exactly
 * `{ alg: "EdDSA", typ, kid }` in that member order, payload the UTF-8 bytes of the JSON
 * text, unpadded base64url throughout. The bytes are what jose's CompactSign produces for
 * the same header and payload, and any JWS library verifies them.
 *
 * The signer signs the signing input's bytes: with node:crypto directly for a key in
 * memory (jose 6 goes through WebCrypto, which turns the KeyObject into a CryptoKey and
 * awaits on every call, at over twice the cost), or inside a token. A synchronous signer
 * is not awaited. Any signing failure, or anything but 64 bytes back, is
 * SIGNER_UNAVAILABLE, with no key material in the message.
 */
export async function signCompactJws(typ: string, payloadJson: string, signer: Signer): Promise<string> {
  const { kid } = signer;
  const signingInput = `${encodedHeader(typ, kid)}.${Buffer.from(payloadJson, 'utf8').toString('base64url')}`;
  let signature: Uint8Array;
  try {
    const produced = signer.sign(Buffer.from(signingInput, 'ascii'));
    signature = produced instanceof Uint8Array ? produced : await produced;
  } catch (error) {
    throw signingFailed(kid, error);
  }
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new WritError('SIGNER_UNAVAILABLE', `signing with key ${kid} did not give a ${ED25519_SIGNATURE_BYTES}-byte Ed25519 signature`);
  }
  const encoded = Buffer.isBuffer(signature) ? signature : Buffer.from(signature.buffer, signature.byteOffset, signature.length);
  return `${signingInput}.${encoded.toString('base64url')}`;
}

// A signer's own refusal (a token's "check the PIN variable") is kept as it is worded.
function signingFailed(kid: string, error: unknown): WritError {
  if (isWritError(error) && error.code === 'SIGNER_UNAVAILABLE') return error;
  const reason = isWritError(error) ? `${error.code}: ${error.message}` : (error as Error | undefined)?.name ?? 'unknown error';
  return new WritError('SIGNER_UNAVAILABLE', `signing with key ${kid} failed: ${reason}`, { cause: error });
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
