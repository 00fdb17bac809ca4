import { isWellFormedUtf16 } from '../../canonical/isWellFormedUtf16';
import { WritError } from '../../errors/writError';
import { decodeStrictBase64 } from './base64';
import { isKeyName } from './noteKeys';

/**
 * The most signatures a note may carry. signed-note says verifiers SHOULD bound them and
 * MUST accept at least 16; 32 leaves room for a log key, its successor and many witnesses.
 */
export const MAX_NOTE_SIGNATURES = 32;
/** The largest note Writ reads, in bytes: 32 signatures fit many times over, post-quantum ones included. */
export const MAX_NOTE_BYTES = 256 * 1024;

/** One signature line of a note, parsed but not verified. */
export interface NoteSignature {
  /** The key name on the line. */
  readonly name: string;
  /** The key ID: the first four bytes of the decoded signature, big-endian. */
  readonly keyId: number;
  /** The signature bytes after the key ID. */
  readonly signature: Buffer;
  /** The line as it stood, without its newline. */
  readonly line: string;
}

/** A note split into its text and its signature lines. Nothing in it is trusted until verified. */
export interface SignedNote {
  /** The note text, including its final newline. */
  readonly text: string;
  /** Every signature line, in order. */
  readonly signatures: readonly NoteSignature[];
}

const SIGNATURE_PREFIX = '\u2014 ';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a signed note (https://c2sp.org/signed-note, "Format"): a text ending in a newline,
 * a blank line, then one or more lines `— <key name> <base64(key ID || signature)>`, each
 * ending in a newline. Refused with LOG_NOTE_MALFORMED: more than MAX_NOTE_BYTES, bytes
 * that are not UTF-8, any control character but newline (a CR of CRLF included), no blank
 * line, no signature, a signature line without its final newline, or a blank line after
 * the signatures, a key name signed-note forbids, a signature that is not strict base64 of
 * a key ID and at least one byte, and more than MAX_NOTE_SIGNATURES signatures.
 */
export function parseSignedNote(input: Uint8Array | string): SignedNote {
  const note = typeof input === 'string' ? input : decode(input);
  if (Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES) throw malformed(`a note is at most ${MAX_NOTE_BYTES} bytes`);
  if (!isWellFormedUtf16(note)) throw malformed('a note must be valid UTF-8');
  const control = /[\u0000-\u0009\u000b-\u001f]/.exec(note);
  if (control !== null) throw malformed(`control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} at offset ${control.index}: a note holds none but newline`);
  // The text ends at the last blank line; signature lines are never empty.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line between the text and the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '') throw malformed('no signature after the last blank line');
  if (!block.endsWith('\n')) throw malformed('the last signature line does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`${lines.length} signatures, more than the ${MAX_NOTE_SIGNATURES} Writ reads`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

/** Joins a note text (ending in a newline) and signature lines into a note. */
export function formatSignedNote(text: string, signatureLines: readonly string[]): string {
  if (!text.endsWith('\n')) throw malformed('a note text ends in a newline');
  if (signatureLines.length === 0) throw malformed('a note needs a signature');
  return `${text}\n${signatureLines.map((line) => `${line}\n`).join('')}`;
}

/** The signature line of `signature` by the key `name` with `keyId`. */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  const bytes = Buffer.alloc(4 + signature.length);
  bytes.writeUInt32BE(keyId, 0);
  bytes.set(signature, 4);
  return `${SIGNATURE_PREFIX}${name} ${bytes.toString('base64')}`;
}

function parseSignatureLine(line: string, index: number): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed(`signature line ${index + 1} does not start with an em dash and a space`);
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  if (space < 0 || !isKeyName(name)) throw malformed(`signature line ${index + 1} has no valid key name`);
  const bytes = decodeStrictBase64(rest.slice(space + 1));
  if (bytes === undefined || bytes.length < 5) throw malformed(`the signature by ${name} is not base64 of a key ID and a signature`);
  return { name, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4), line };
}

function decode(bytes: Uint8Array): string {
  if (bytes.length > MAX_NOTE_BYTES) throw malformed(`a note is at most ${MAX_NOTE_BYTES} bytes`);
  try {
    return utf8.decode(bytes);
  } catch {
    throw malformed('a note must be valid UTF-8');
  }
}

function malformed(why: string): WritError {
  return new WritError('LOG_NOTE_MALFORMED', `not a signed note: ${why}`);
}
