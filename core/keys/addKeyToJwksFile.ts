import fs from 'node:fs';
import path from 'node:path';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError } from '../errors/writError';
import { errnoCode } from './errnoCode';
import type { PublicSigningJwk } from './ed25519Jwk';
import { TrustedKeySet } from './trustedKeySet';
import { writeFileAtomicSync } from './writeFileAtomic';

/** What `addKeyToJwksFile` did. */
export interface JwksFileUpdate {
  /** False when the file already held the key. */
  readonly added: boolean;
  /** How many keys the file holds now. */
  readonly keys: number;
}

/**
 * Adds a public key to the JWKS file `file` (made when missing), as workers and auditors
 * that trust a plain key set read it. The file is checked as `TrustedKeySet` would check
 * it before anything is written: one that is not a valid public key set, or that gives
 * the key's kid to another key, is KEYSTORE_INVALID and left as it is. Other members of
 * the file are kept; the write is atomic.
 */
export function addKeyToJwksFile(file: string, jwk: PublicSigningJwk): JwksFileUpdate {
  let document: { keys: unknown[]; [member: string]: unknown } = { keys: [] };
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    if (errnoCode(cause) !== 'ENOENT') throw new WritError('KEYSTORE_INVALID', `cannot read the key set ${file}`, { cause });
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = parseStrictJson(text);
    } catch (cause) {
      throw new WritError('KEYSTORE_INVALID', `key set ${file} is not valid JSON`, { cause });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray((parsed as { keys?: unknown }).keys)) {
      throw new WritError('KEYSTORE_INVALID', `${file} is not a JWKS (an object with a "keys" array)`);
    }
    document = parsed as typeof document;
    // An empty set has nothing to check; any other is checked whole, as a verifier would.
    if (document.keys.length > 0 && TrustedKeySet.fromJwks(document).has(jwk.kid)) {
      const same = document.keys.some((key) => (key as { kid?: unknown; x?: unknown }).kid === jwk.kid && (key as { x?: unknown }).x === jwk.x);
      if (!same) throw new WritError('KEYSTORE_INVALID', `key set ${file} already gives kid ${jwk.kid} to another key`);
      return { added: false, keys: document.keys.length };
    }
  }
  const updated = { ...document, keys: [...document.keys, jwk] };
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileAtomicSync(path.resolve(file), `${JSON.stringify(updated, null, 2)}\n`, 0o644);
  } catch (cause) {
    throw new WritError('KEYSTORE_INVALID', `cannot write the key set ${file}: ${errnoCode(cause) ?? 'write failed'}`, { cause });
  }
  return { added: true, keys: updated.keys.length };
}
