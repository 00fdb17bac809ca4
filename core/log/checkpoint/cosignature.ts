import { sign, verify, type KeyObject } from 'node:crypto';
import { WritError } from '../../errors/writError';
import { ed25519PublicKey, ED25519_SIGNATURE_SIZE } from '../note/ed25519Raw';
import { formatVerifierKey, parseVerifierKey, SIGNATURE_TYPE, type NotePublicKey } from '../note/noteKeys';
import { parsePrivateNoteKey, type NoteSigner } from '../note/noteSigner';
import type { NoteVerifier } from '../note/noteVerifier';

// Timestamped Ed25519 cosignatures, https://c2sp.org/tlog-cosignature: signature type
// 0x04, the signature a `timestamped_signature` (u64 big-endian POSIX seconds, then the
// Ed25519 signature) over "cosignature/v1\ntime <t>\n" followed by the checkpoint body.

const TIMESTAMP_SIZE = 8;
/** The size of a v1 Ed25519 cosignature after its key ID: timestamp and signature. */
export const COSIGNATURE_SIZE = TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE;
/** How far ahead of the verifier's clock a cosignature's time may be: witnesses' clocks drift. */
export const COSIGNATURE_MAX_FUTURE_SECONDS = 300;

/** The message a v1 cosignature signs (tlog-cosignature, "Ed25519 signed message"). */
export function cosignatureMessage(timestamp: number, checkpointText: string): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

/**
 * The time a cosignature states, in POSIX seconds. LOG_SIGNATURE_INVALID when it is not a
 * v1 Ed25519 cosignature's length, or its time exceeds 2^63 - 1 (the spec's bound) or 2^53
 * (beyond any real clock, and beyond what a number holds exactly).
 */
export function cosignatureTime(signature: Uint8Array): number {
  if (signature.length !== COSIGNATURE_SIZE) throw new WritError('LOG_SIGNATURE_INVALID', `a v1 cosignature is ${COSIGNATURE_SIZE} bytes after its key ID, got ${signature.length}`);
  const time = Buffer.from(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE).readBigUInt64BE(0);
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw new WritError('LOG_SIGNATURE_INVALID', `cosignature time ${time} is out of range`);
  return Number(time);
}

/** A witness's cosigning key: signs checkpoints with timestamped v1 cosignatures. */
export class Cosigner implements NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The public half as a type 0x04 verifier key. */
  readonly verifierKey: string;
  readonly #key: KeyObject;
  readonly #clock: () => Date;

  private constructor(key: ReturnType<typeof parsePrivateNoteKey>, clock: () => Date) {
    this.name = key.name;
    this.keyId = key.keyId;
    this.#key = key.privateKey;
    this.#clock = clock;
    this.verifierKey = formatVerifierKey({ name: key.name, type: SIGNATURE_TYPE.cosignatureV1, publicKey: key.publicKey });
  }

  /** The cosigner of a `PRIVATE+KEY+...` string of type 0x04; the clock stamps each cosignature. */
  static fromPrivateKey(text: string, clock: () => Date = () => new Date()): Cosigner {
    return new Cosigner(parsePrivateNoteKey(text, SIGNATURE_TYPE.cosignatureV1), clock);
  }

  /** The timestamped cosignature of a checkpoint body, stamped now. */
  sign(checkpointText: Uint8Array): Buffer {
    const timestamp = Math.floor(this.#clock().getTime() / 1000);
    const signature = sign(null, cosignatureMessage(timestamp, Buffer.from(checkpointText).toString('utf8')), this.#key);
    const out = Buffer.alloc(COSIGNATURE_SIZE);
    out.writeBigUInt64BE(BigInt(timestamp), 0);
    signature.copy(out, TIMESTAMP_SIZE);
    return out;
  }
}

/** Options of a cosignature verifier. */
export interface CosignatureVerifierOptions {
  /** The verifier's clock; a cosignature stamped more than COSIGNATURE_MAX_FUTURE_SECONDS ahead of it is refused. */
  readonly clock?: () => Date;
}

/** Verifies one witness's v1 cosignatures (type 0x04). */
export class CosignatureVerifier implements NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** The key as its vkey states it. */
  readonly publicKey: NotePublicKey;
  readonly #key: KeyObject;
  readonly #clock: () => Date;

  private constructor(publicKey: NotePublicKey, clock: () => Date) {
    this.publicKey = publicKey;
    this.name = publicKey.name;
    this.keyId = publicKey.keyId;
    this.#key = ed25519PublicKey(publicKey.publicKey);
    this.#clock = clock;
  }

  /** The verifier of a vkey `<name>+<id>+<base64(0x04 || key)>`; LOG_KEY_INVALID for anything else. */
  static fromVerifierKey(vkey: string, options: CosignatureVerifierOptions = {}): CosignatureVerifier {
    return new CosignatureVerifier(parseVerifierKey(vkey, SIGNATURE_TYPE.cosignatureV1), options.clock ?? (() => new Date()));
  }

  verifySignature(checkpointText: Uint8Array, signature: Uint8Array): void {
    const timestamp = cosignatureTime(signature);
    const now = Math.floor(this.#clock().getTime() / 1000);
    if (timestamp > now + COSIGNATURE_MAX_FUTURE_SECONDS) {
      throw new WritError('LOG_SIGNATURE_INVALID', `the cosignature by ${this.name} is stamped ${timestamp}, ahead of this clock (${now})`);
    }
    const message = cosignatureMessage(timestamp, Buffer.from(checkpointText).toString('utf8'));
    if (!verify(null, message, this.#key, signature.subarray(TIMESTAMP_SIZE))) {
      throw new WritError('LOG_SIGNATURE_INVALID', `the cosignature by ${this.name} does not verify`);
    }
  }
}
