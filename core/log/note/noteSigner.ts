import { sign, type KeyObject } from 'node:crypto';
import { WritError } from '../../errors/writError';
import { decodeStrictBase64 } from './base64';
import { ed25519PrivateKey, ED25519_KEY_SIZE, generateEd25519 } from './ed25519Raw';
import { formatVerifierKey, isKeyName, keyIdHex, noteKeyId, requireKeyName, splitKeyFields, type SignatureType } from './noteKeys';

/** A key that signs notes: a log's checkpoint key, or a witness's cosigning key. */
export interface NoteSigner {
  /** The key name its signature lines carry. */
  readonly name: string;
  /** The 32-bit key ID its signatures start with. */
  readonly keyId: number;
  /** The signature over the note text, without the key ID. */
  sign(text: Uint8Array): Buffer;
}

/** A note key in the text form Writ stores it in, and its public verifier key. */
export interface NoteKeyPair {
  /** `PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>`: secret, kept in a 0600 file. */
  readonly privateKey: string;
  /** `<name>+<hex key ID>+<base64(type || public key)>`: what verifiers are given. */
  readonly verifierKey: string;
}

/** An Ed25519 private note key, parsed. */
export interface PrivateNoteKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: SignatureType;
  readonly privateKey: KeyObject;
  readonly publicKey: Buffer;
}

const PRIVATE_PREFIX = 'PRIVATE+KEY+';

/**
 * A new Ed25519 note key named `name`, of signature type `type`, in the private key
 * encoding of Go's golang.org/x/mod/sumdb/note (`PRIVATE+KEY+` before the vkey fields,
 * with the seed in place of the public key), which Go's tools read for type 0x01.
 */
export function generateNoteKey(name: string, type: SignatureType): NoteKeyPair {
  requireKeyName(name);
  const { seed, publicKey } = generateEd25519();
  const keyId = noteKeyId(name, type, publicKey);
  return {
    privateKey: `${PRIVATE_PREFIX}${name}+${keyIdHex(keyId)}+${Buffer.concat([Buffer.from([type]), seed]).toString('base64')}`,
    verifierKey: formatVerifierKey({ name, type, publicKey }),
  };
}

/**
 * Parses a private note key of signature type `type`. Refused with LOG_KEY_INVALID, naming
 * only the key name (never key material): another form or type, a seed not 32 bytes, and
 * a key ID that is not the one its name and public key imply.
 */
export function parsePrivateNoteKey(text: string, type: SignatureType): PrivateNoteKey {
  const invalid = (why: string) => new WritError('LOG_KEY_INVALID', `not a private note key (${why})`);
  if (!text.startsWith(PRIVATE_PREFIX)) throw invalid(`expected ${PRIVATE_PREFIX}<name>+<key id>+<key>`);
  const parts = splitKeyFields(text.slice(PRIVATE_PREFIX.length));
  if (parts === undefined) throw invalid(`expected ${PRIVATE_PREFIX}<name>+<key id>+<key>`);
  const [name, idHex, material] = parts;
  if (!isKeyName(name)) throw invalid('the key name is empty or holds spaces or control characters');
  const bytes = decodeStrictBase64(material);
  if (bytes === undefined || bytes.length !== 1 + ED25519_KEY_SIZE) throw invalid(`the key of ${name} is not a base64 type byte and 32-byte seed`);
  if (bytes[0] !== type) throw invalid(`the key of ${name} has signature type 0x${bytes[0]!.toString(16).padStart(2, '0')}, expected 0x${type.toString(16).padStart(2, '0')}`);
  const { privateKey, publicKey } = ed25519PrivateKey(bytes.subarray(1));
  const keyId = noteKeyId(name, type, publicKey);
  if (keyIdHex(keyId) !== idHex) throw invalid(`the key ID of ${name} does not match its key`);
  return { name, keyId, type, privateKey, publicKey };
}

/** Signs notes with plain Ed25519 (type 0x01): how a log signs its checkpoints. */
export class Ed25519NoteSigner implements NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The public half as a verifier key, for whoever verifies this signer's notes. */
  readonly verifierKey: string;
  readonly #key: KeyObject;

  private constructor(key: PrivateNoteKey) {
    this.name = key.name;
    this.keyId = key.keyId;
    this.#key = key.privateKey;
    this.verifierKey = formatVerifierKey({ name: key.name, type: key.type, publicKey: key.publicKey });
  }

  /** The signer of a `PRIVATE+KEY+...` string of type 0x01; LOG_KEY_INVALID otherwise. */
  static fromPrivateKey(text: string): Ed25519NoteSigner {
    return new Ed25519NoteSigner(parsePrivateNoteKey(text, 0x01));
  }

  sign(text: Uint8Array): Buffer {
    return sign(null, text, this.#key);
  }
}
