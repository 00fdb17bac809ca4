import { WritError } from '../../errors/writError';
import type { NoteVerifier } from './noteVerifier';
import type { NoteSignature, SignedNote } from './signedNote';

/** A signature of a note that a trusted key verified. */
export interface VerifiedSignature {
  readonly verifier: NoteVerifier;
  readonly signature: NoteSignature;
}

/**
 * Checks a set of verifiers before use: two keys with the same name and key ID would make
 * a signature line ambiguous. LOG_KEY_INVALID names the pair.
 */
export function requireDistinctVerifiers(verifiers: readonly NoteVerifier[]): void {
  const seen = new Set<string>();
  for (const verifier of verifiers) {
    const id = `${verifier.name}+${verifier.keyId}`;
    if (seen.has(id)) throw new WritError('LOG_KEY_INVALID', `two keys named ${verifier.name} share key ID ${verifier.keyId.toString(16).padStart(8, '0')}`);
    seen.add(id);
  }
}

/**
 * The signatures of a note that `verifiers` vouch for, as signed-note ("Signatures")
 * requires: a signature whose key name and key ID do not both match a trusted key is
 * ignored; one that does must verify, and if it does not the whole note is refused
 * (LOG_SIGNATURE_INVALID). May be empty: `verifyNote` is the check that some trusted key
 * signed; witnesses' cosignatures are counted with this.
 */
export function verifiedSignatures(note: SignedNote, verifiers: readonly NoteVerifier[]): VerifiedSignature[] {
  const text = Buffer.from(note.text, 'utf8');
  const verified: VerifiedSignature[] = [];
  for (const signature of note.signatures) {
    const verifier = verifiers.find((candidate) => candidate.name === signature.name && candidate.keyId === signature.keyId);
    if (verifier === undefined) continue;
    verifier.verifySignature(text, signature.signature);
    verified.push({ verifier, signature });
  }
  return verified;
}

/**
 * Verifies a parsed note against trusted keys: every signature by a trusted key must
 * verify (else LOG_SIGNATURE_INVALID) and at least one must be there (else
 * LOG_NOTE_UNTRUSTED). Returns the verified signatures, in note order. Only then may the
 * text be read.
 */
export function verifyNote(note: SignedNote, verifiers: readonly NoteVerifier[]): VerifiedSignature[] {
  const verified = verifiedSignatures(note, verifiers);
  if (verified.length === 0) {
    const names = verifiers.map((verifier) => verifier.name).join(', ') || 'none given';
    throw new WritError('LOG_NOTE_UNTRUSTED', `no signature of the note is by a trusted key (trusted: ${names})`);
  }
  return verified;
}
