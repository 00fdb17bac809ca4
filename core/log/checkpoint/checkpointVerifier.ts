import { WritError } from '../../errors/writError';
import { Ed25519NoteVerifier, type NoteVerifier } from '../note/noteVerifier';
import { parseSignedNote, type SignedNote } from '../note/signedNote';
import { requireDistinctVerifiers, verifiedSignatures, verifyNote, type VerifiedSignature } from '../note/verifyNote';
import { parseCheckpointBody, type Checkpoint } from './checkpoint';
import { cosignatureTime, CosignatureVerifier, type CosignatureVerifierOptions } from './cosignature';

/** What a verifier trusts a checkpoint for: which log, its keys, and which witnesses must agree. */
export interface CheckpointTrust {
  /** The origin line the checkpoint must carry. */
  readonly origin: string;
  /** The log's keys: any one of them signing suffices (a log rotating its key has two). */
  readonly logKeys: readonly NoteVerifier[];
  /** Witnesses whose cosignatures count. */
  readonly witnesses?: readonly CosignatureVerifier[];
  /** How many distinct witnesses must have cosigned (k of the n above); 0 by default. */
  readonly witnessesRequired?: number;
}

/** The same, as verifier key strings. */
export interface CheckpointTrustKeys {
  readonly origin: string;
  readonly logKeys: readonly string[];
  readonly witnessKeys?: readonly string[];
  readonly witnessesRequired?: number;
}

/** A witness's cosignature that verified. */
export interface WitnessCosignature {
  readonly name: string;
  readonly keyId: number;
  /** When the witness cosigned, POSIX seconds. */
  readonly time: number;
}

/** A checkpoint whose log signature, origin and witness quorum all verified. */
export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The note as parsed: its text is the checkpoint body. */
  readonly note: SignedNote;
  /** The log's signatures that verified. */
  readonly logSignatures: readonly VerifiedSignature[];
  /** One cosignature per witness that verified, in note order. */
  readonly witnesses: readonly WitnessCosignature[];
}

/**
 * Verifies checkpoints of one log (https://c2sp.org/tlog-checkpoint), as a pipeline of
 * steps that each throw: `readNote` (LOG_NOTE_MALFORMED) → `checkLogSignature`
 * (LOG_NOTE_UNTRUSTED, LOG_SIGNATURE_INVALID) → `readBody` (LOG_CHECKPOINT_MALFORMED) →
 * `checkOrigin` (LOG_ORIGIN_MISMATCH) → `checkWitnesses` (LOG_SIGNATURE_INVALID for a
 * known witness's bad cosignature, LOG_WITNESS_QUORUM when fewer than k distinct witnesses
 * cosigned). The text is read only after the log's signature verified. The trust is
 * checked when given (LOG_KEY_INVALID).
 */
export class CheckpointVerifier {
  readonly #trust: Required<CheckpointTrust>;

  constructor(trust: CheckpointTrust) {
    const witnesses = trust.witnesses ?? [];
    const required = trust.witnessesRequired ?? 0;
    if (trust.origin === '' || trust.origin.includes('\n')) throw new WritError('LOG_KEY_INVALID', 'a checkpoint origin is one non-empty line');
    if (trust.logKeys.length === 0) throw new WritError('LOG_KEY_INVALID', `no log key to verify checkpoints of ${trust.origin} with`);
    if (!Number.isInteger(required) || required < 0 || required > witnesses.length) {
      throw new WritError('LOG_KEY_INVALID', `${required} witnesses required of ${witnesses.length} known: k must be a whole number from 0 to n`);
    }
    requireDistinctVerifiers([...trust.logKeys, ...witnesses]);
    this.#trust = { origin: trust.origin, logKeys: [...trust.logKeys], witnesses: [...witnesses], witnessesRequired: required };
  }

  /** A verifier built from verifier key strings: Ed25519 (0x01) log keys, cosignature (0x04) witness keys. */
  static fromVerifierKeys(keys: CheckpointTrustKeys, options: CosignatureVerifierOptions = {}): CheckpointVerifier {
    return new CheckpointVerifier({
      origin: keys.origin,
      logKeys: keys.logKeys.map((vkey) => Ed25519NoteVerifier.fromVerifierKey(vkey)),
      witnesses: (keys.witnessKeys ?? []).map((vkey) => CosignatureVerifier.fromVerifierKey(vkey, options)),
      witnessesRequired: keys.witnessesRequired ?? 0,
    });
  }

  /** The log this verifier trusts checkpoints of. */
  get origin(): string {
    return this.#trust.origin;
  }

  /** Verifies a checkpoint note; see the class comment for the steps. */
  verify(input: Uint8Array | string): VerifiedCheckpoint {
    const note = readNote(input);
    const logSignatures = checkLogSignature(note, this.#trust.logKeys);
    const checkpoint = readBody(note);
    checkOrigin(checkpoint, this.#trust.origin);
    const witnesses = checkWitnesses(note, this.#trust.witnesses, this.#trust.witnessesRequired);
    return { checkpoint, note, logSignatures, witnesses };
  }
}

function readNote(input: Uint8Array | string): SignedNote {
  return parseSignedNote(input);
}

function checkLogSignature(note: SignedNote, logKeys: readonly NoteVerifier[]): VerifiedSignature[] {
  return verifyNote(note, logKeys);
}

function readBody(note: SignedNote): Checkpoint {
  return parseCheckpointBody(note.text);
}

function checkOrigin(checkpoint: Checkpoint, origin: string): void {
  if (checkpoint.origin !== origin) {
    throw new WritError('LOG_ORIGIN_MISMATCH', `the checkpoint is of log ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(origin)}`);
  }
}

function checkWitnesses(note: SignedNote, witnesses: readonly CosignatureVerifier[], required: number): WitnessCosignature[] {
  const seen = new Set<NoteVerifier>();
  const cosigned: WitnessCosignature[] = [];
  for (const { verifier, signature } of verifiedSignatures(note, witnesses)) {
    if (seen.has(verifier)) continue;
    seen.add(verifier);
    cosigned.push({ name: verifier.name, keyId: verifier.keyId, time: cosignatureTime(signature.signature) });
  }
  if (cosigned.length < required) {
    throw new WritError('LOG_WITNESS_QUORUM', `${cosigned.length} of the ${witnesses.length} known witnesses cosigned the checkpoint, ${required} required`, {
      facts: { cosigned: cosigned.map((witness) => witness.name), required },
    });
  }
  return cosigned;
}
