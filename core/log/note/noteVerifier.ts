import { verify, type KeyObject } from 'node:crypto';
import { WritError } from '../../errors/writError';
import { ed25519PublicKey, ED25519_SIGNATURE_SIZE } from './ed25519Raw';
import { parseVerifierKey, SIGNATURE_TYPE, type NotePublicKey } from './noteKeys';

/**
 * A key a note's signatures are checked against. `verifyNote` picks it for a signature
 * line by key name and key ID together, then calls `verifySignature`.
 */
export interface NoteVerifier {
  /** The key name signature lines carry. */
  readonly name: string;
  /** The 32-bit key ID signatures start with. */
  readonly keyId: number;
  /** Throws LOG_SIGNATURE_INVALID unless `signature` (the bytes after the key ID) signs `text`. */
  verifySignature(text: Uint8Array, signature: Uint8Array): void;
}

/** Verifies plain Ed25519 note signatures (type 0x01, signed-note "Ed25519 signatures"): a log's checkpoint signatures. */
export class Ed25519NoteVerifier implements NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** The key as its vkey states it. */
  readonly publicKey: NotePublicKey;
  readonly #key: KeyObject;

  private constructor(publicKey: NotePublicKey) {
    this.publicKey = publicKey;
    this.name = publicKey.name;
    this.keyId = publicKey.keyId;
    this.#key = ed25519PublicKey(publicKey.publicKey);
  }

  /** The verifier of a vkey `<name>+<id>+<base64(0x01 || key)>`; LOG_KEY_INVALID for anything else. */
  static fromVerifierKey(vkey: string): Ed25519NoteVerifier {
    return new Ed25519NoteVerifier(parseVerifierKey(vkey, SIGNATURE_TYPE.ed25519));
  }

  verifySignature(text: Uint8Array, signature: Uint8Array): void {
    if (signature.length !== ED25519_SIGNATURE_SIZE || !verify(null, text, this.#key, signature)) {
      throw new WritError('LOG_SIGNATURE_INVALID', `the signature by ${this.name} does not verify`);
    }
  }
}
