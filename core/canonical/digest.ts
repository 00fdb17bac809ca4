import { hash } from 'node:crypto';
import { canonicalJson } from './canonicalJson';
import { parseStrictJson } from './parseStrictJson';

/** The prefix naming the hash function inside every Writ digest string. */
export const SHA256_DIGEST_PREFIX = 'sha256:';

/**
 * SHA-256 of `data` as `sha256:<64 lowercase hex digits>`. A string is hashed as its UTF-8
 * bytes. The algorithm travels inside the value so a digest read years later, by an
 * auditor, says how to recompute it.
 */
export function sha256Digest(data: string | Uint8Array): string {
  // The one-shot hash skips creating a Hash object: a third of the cost of a small digest,
  // and every governed step takes several. Strings are hashed as UTF-8 either way.
  return `${SHA256_DIGEST_PREFIX}${hash('sha256', data, 'hex')}`;
}

/**
 * Digest of the RFC 8785 canonical JSON of `value`: equal JSON data gives an equal digest
 * whatever the key order or number spelling it arrived with. Refuses non-JSON values and
 * lone surrogates with the codes of `canonicalJson`.
 */
export function canonicalDigest(value: unknown): string {
  return sha256Digest(canonicalJson(value));
}

/**
 * Digest of JSON text by meaning, not by bytes: the text is parsed strictly (duplicate
 * keys, lone surrogates and invalid JSON are refused) and its canonical form is hashed.
 */
export function canonicalDigestOfJsonText(text: string): string {
  return canonicalDigest(parseStrictJson(text));
}
