import type { NoteSigner } from './noteSigner';
import { formatSignatureLine, formatSignedNote } from './signedNote';

/** The signature line `signer` makes over a note text. */
export function signatureLine(text: string, signer: NoteSigner): string {
  return formatSignatureLine(signer.name, signer.keyId, signer.sign(Buffer.from(text, 'utf8')));
}

/** A note of `text` (ending in a newline) signed by each of `signers`, in order. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  return formatSignedNote(text, signers.map((signer) => signatureLine(text, signer)));
}
