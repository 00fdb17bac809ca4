import { hash } from 'node:crypto';
import { WritError } from '../../errors/writError';
import { decodeStrictBase64 } from './base64';
import { ED25519_KEY_SIZE } from './ed25519Raw';

/**
 * Signature types of C2SP signed-note (https://c2sp.org/signed-note, "Signature types"):
 * the two Writ uses. A log signs its checkpoints with plain Ed25519 note signatures;
 * witnesses cosign with timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature).
 */
export const SIGNATURE_TYPE = { ed25519: 0x01, cosignatureV1: 0x04 } as const;

/** One of the signature types Writ signs and verifies. */
export type SignatureType = (typeof SIGNATURE_TYPE)[keyof typeof SIGNATURE_TYPE];

/** A public note key as a verifier key (vkey) names it. */
export interface NotePublicKey {
  /** The key name, as in signature lines (a schema-less URL by convention). */
  readonly name: string;
  /** The 32-bit key ID signatures start with. */
  readonly keyId: number;
  /** The signature type byte. */
  readonly type: SignatureType;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
}

/**
 * Whether `name` can be a key name: non-empty, no Unicode space and no plus (signed-note,
 * "Format"), and no control character, which no note may hold.
 */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Cc}]/u.test(name);
}

/** Refuses a key name signed-note does not allow, as LOG_KEY_INVALID. */
export function requireKeyName(name: string): void {
  if (!isKeyName(name)) throw new WritError('LOG_KEY_INVALID', `"${name}" cannot be a note key name: it must be non-empty, without spaces, plus signs or control characters`);
}

/**
 * The key ID of a key: the first four bytes, big-endian, of SHA-256(key name || 0x0A ||
 * signature type || public key) (signed-note, "Signatures"; tlog-cosignature, "Format",
 * for type 0x04).
 */
export function noteKeyId(name: string, type: SignatureType, publicKey: Uint8Array): number {
  const digest = hash('sha256', Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, type]), publicKey]), 'buffer');
  return digest.readUInt32BE(0);
}

/** The fixed-length lowercase hex of a key ID, as vkeys write it. */
export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** A verifier key string: `<name>+<hex key ID>+<base64(type || public key)>` (signed-note, "Verifier keys"). */
export function formatVerifierKey(key: Omit<NotePublicKey, 'keyId'>): string {
  requireKeyName(key.name);
  return `${key.name}+${keyIdHex(noteKeyId(key.name, key.type, key.publicKey))}+${Buffer.concat([Buffer.from([key.type]), key.publicKey]).toString('base64')}`;
}

/**
 * Parses a verifier key. Refused with LOG_KEY_INVALID: a string not of three plus-separated
 * fields, a key name signed-note forbids, a key ID not 8 lowercase hex digits, key material
 * not strict base64, a signature type other than `expectedType`, a key not 32 bytes, and a
 * key ID that is not the one the name, type and key imply (so a vkey cannot pair a name
 * with another key's ID).
 */
export function parseVerifierKey(vkey: string, expectedType: SignatureType): NotePublicKey {
  const invalid = (why: string) => new WritError('LOG_KEY_INVALID', `not a verifier key (${why}): ${JSON.stringify(vkey.slice(0, 200))}`);
  const parts = splitKeyFields(vkey);
  if (parts === undefined) throw invalid('expected <name>+<key id>+<key>');
  const [name, idHex, material] = parts;
  if (!isKeyName(name)) throw invalid('the key name is empty or holds spaces or control characters');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw invalid('the key ID must be 8 lowercase hex digits');
  const bytes = decodeStrictBase64(material);
  if (bytes === undefined) throw invalid('the key is not base64');
  if (bytes[0] !== expectedType) throw invalid(`signature type 0x${(bytes[0] ?? 0).toString(16).padStart(2, '0')}, expected 0x${expectedType.toString(16).padStart(2, '0')}`);
  const publicKey = bytes.subarray(1);
  if (publicKey.length !== ED25519_KEY_SIZE) throw invalid(`an Ed25519 key is ${ED25519_KEY_SIZE} bytes, got ${publicKey.length}`);
  const keyId = noteKeyId(name, expectedType, publicKey);
  if (keyIdHex(keyId) !== idHex) throw invalid(`key ID ${idHex} is not the ID of this name and key (${keyIdHex(keyId)})`);
  return { name, keyId, type: expectedType, publicKey: Buffer.from(publicKey) };
}

/**
 * The three fields of `<name>+<hex key ID>+<base64 key>`. Only the first two plus signs
 * separate: a name and a hex ID hold none, and base64 may.
 */
export function splitKeyFields(text: string): [string, string, string] | undefined {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return undefined;
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}
