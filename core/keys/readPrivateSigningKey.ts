import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError } from '../errors/writError';
import { Ed25519PrivateJwkSchema, type Ed25519PrivateJwk } from './ed25519Jwk';
import { errnoCode } from './errnoCode';
import type { KeyStoreEntry } from './keyStoreManifest';

/**
 * Reads the private key of `entry` from `file` as a node:crypto KeyObject, or refuses with
 * `SIGNER_UNAVAILABLE` when the file is missing, unreadable, readable by group or others,
 * malformed, or holds a key other than the one the manifest publishes. Every message is a
 * fixed string: nothing read from the file can reach an error.
 */
export async function readPrivateSigningKey(file: string, entry: KeyStoreEntry): Promise<KeyObject> {
  const unavailable = (reason: string): WritError =>
    new WritError('SIGNER_UNAVAILABLE', `active signing key ${entry.kid}: ${reason}`);

  let text: string;
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw unavailable('private key path is not a file');
    // Like ssh: a key others can read may already be someone else's.
    if ((stat.mode & 0o077) !== 0) throw unavailable('private key file is readable by group or others (want mode 0600)');
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof WritError) throw error;
    throw unavailable(errnoCode(error) === 'ENOENT' ? 'private key file is missing' : 'private key file cannot be read');
  }

  let privateJwk: Ed25519PrivateJwk;
  try {
    privateJwk = Ed25519PrivateJwkSchema.parse(parseStrictJson(text));
  } catch {
    throw unavailable('private key file is malformed');
  }
  if (privateJwk.kid !== entry.kid || privateJwk.x !== entry.publicJwk.x) {
    throw unavailable('private key file does not match the published key');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  } catch {
    throw unavailable('private key file does not hold a usable Ed25519 key');
  }
  // `x` in the file is only a claim; the public key derived from `d` is the proof.
  if (createPublicKey(key).export({ format: 'jwk' }).x !== entry.publicJwk.x) {
    throw unavailable('private key does not match the published key');
  }
  return key;
}
