import { formatCheckpointBody, type Checkpoint } from '../../../core/log/checkpoint/checkpoint';
import { formatSignatureLine, formatSignedNote, parseSignedNote } from '../../../core/log/note/signedNote';
import { signatureLine } from '../../../core/log/note/signNote';
import type { NoteSigner } from '../../../core/log/note/noteSigner';
import { MemoryTree, entries } from '../../core/log/support/memoryTree';
import { treeRoot } from '../../../core/log/merkle/treeHashes';
import { testCosigner, testLogSigner } from '../../core/log/support/testKeys';

/** One note case: the note's bytes, what the verifier trusts, and the outcome it must reach. */
export interface NoteVector {
  readonly name: string;
  readonly note: Buffer;
  readonly spec: NoteCaseSpec;
  /** First line: "Must pass: why" or "Must fail with CODE: why". */
  readonly readme: string;
}

/** `case.json`. */
export interface NoteCaseSpec {
  /** `note`: a signed note, verified against `logKeys`; `checkpoint`: a checkpoint of `origin`. */
  readonly kind: 'note' | 'checkpoint';
  readonly origin?: string;
  readonly logKeys: readonly string[];
  readonly witnessKeys?: readonly string[];
  readonly witnessesRequired?: number;
  /** The verifier's clock, POSIX seconds. */
  readonly now: number;
  readonly expected:
    | { readonly ok: true; readonly text?: string; readonly size?: number; readonly root?: string; readonly witnesses?: readonly string[] }
    | { readonly ok: false; readonly code: string };
}

const ORIGIN = 'log.example/writ';
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const at = (seconds: number) => () => new Date(seconds * 1000);

/** Every case, built from fixed test keys: regenerating gives the same bytes. */
export function generateNoteVectors(): NoteVector[] {
  const log = testLogSigner(ORIGIN);
  const nextLog = testLogSigner(ORIGIN, 'next log key');
  const stranger = testLogSigner('stranger.example/log');
  const impostor = testLogSigner(ORIGIN, 'impostor');
  const witnesses = ['w1', 'w2', 'w3'].map((w) => testCosigner(`witness.example/${w}`, at(NOW - 60)));
  const witnessKeys = witnesses.map((w) => w.verifierKey);
  const tree = MemoryTree.of(entries(7));
  const checkpoint: Checkpoint = { origin: ORIGIN, size: 7, root: treeRoot(tree) };
  const body = formatCheckpointBody(checkpoint);
  const expectedOk = { ok: true as const, size: 7, root: checkpoint.root.toString('base64') };
  const signed = (text: string, signers: readonly NoteSigner[]) => formatSignedNote(text, signers.map((signer) => signatureLine(text, signer)));
  const cases: NoteVector[] = [];
  const add = (name: string, note: string | Buffer, spec: Omit<NoteCaseSpec, 'now'> & { now?: number }, readme: string) =>
    cases.push({ name, note: typeof note === 'string' ? Buffer.from(note, 'utf8') : note, spec: { now: NOW, ...spec }, readme });
  const checkpointSpec = { kind: 'checkpoint' as const, origin: ORIGIN, logKeys: [log.verifierKey] };
  const fail = (code: string) => ({ ok: false as const, code });

  // The example of c2sp.org/signed-note, "Verifier keys", verbatim.
  add(
    'signed-note-spec-example',
    'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n',
    { kind: 'note', logKeys: ['example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'], expected: { ok: true, text: 'This is an example message.\n' } },
    'Must pass: the signed-note example of c2sp.org/signed-note ("Verifier keys"), verified by the vkey the spec gives.',
  );
  const poem = 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n';
  add('note-text-with-blank-lines', signed(poem, [log]), { kind: 'note', logKeys: [log.verifierKey], expected: { ok: true, text: poem } },
    'Must pass: a note text may hold empty lines; the signatures start after the last one (the spec\'s first example, signed by a test key).');
  add('checkpoint', signed(body, [log]), { ...checkpointSpec, expected: expectedOk }, 'Must pass: a checkpoint of seven entries signed by the log\'s key.');
  const empty: Checkpoint = { origin: ORIGIN, size: 0, root: treeRoot(tree, 0) };
  add('checkpoint-empty-tree', signed(formatCheckpointBody(empty), [log]), { ...checkpointSpec, expected: { ok: true, size: 0, root: empty.root.toString('base64') } },
    'Must pass: the empty log: size 0 (the one size written as a single zero) and the root of the empty tree.');
  add('checkpoint-unknown-signature-ignored', signed(body, [stranger, log]), { ...checkpointSpec, expected: expectedOk },
    'Must pass: a signature by a key the verifier does not know is ignored, as signed-note requires.');
  add('checkpoint-same-name-other-key-ignored', signed(body, [impostor, log]), { ...checkpointSpec, expected: expectedOk },
    'Must pass: a signature with the log\'s key name but another key ID is another key, ignored; the log\'s own signature verifies.');
  add('checkpoint-rotated-log-key', signed(body, [nextLog]), { ...checkpointSpec, logKeys: [log.verifierKey, nextLog.verifierKey], expected: expectedOk },
    'Must pass: signed by the log\'s next key, which the verifier trusts beside the current one.');
  add('checkpoint-two-of-three-witnesses', signed(body, [log, witnesses[0]!, witnesses[2]!]), { ...checkpointSpec, witnessKeys, witnessesRequired: 2, expected: { ...expectedOk, witnesses: ['witness.example/w1', 'witness.example/w3'] } },
    'Must pass: two of the three known witnesses cosigned (tlog-cosignature v1, Ed25519) and two are required.');

  add('wrong-origin_fail', signed(formatCheckpointBody({ ...checkpoint, origin: 'other.example/log' }), [testLogSigner('other.example/log', ORIGIN)]),
    { ...checkpointSpec, logKeys: [testLogSigner('other.example/log', ORIGIN).verifierKey], expected: fail('LOG_ORIGIN_MISMATCH') },
    'Must fail with LOG_ORIGIN_MISMATCH: a valid checkpoint of another log (origin other.example/log) where log.example/writ is expected.');
  add('extension-line_fail', signed(`${body}extension: opaque\n`, [log]), { ...checkpointSpec, expected: fail('LOG_CHECKPOINT_MALFORMED') },
    'Must fail with LOG_CHECKPOINT_MALFORMED: a signed checkpoint with an extension line; Writ accepts none (tlog-checkpoint: NOT RECOMMENDED, not auditable).');
  add('unknown-key_fail', signed(body, [stranger]), { ...checkpointSpec, expected: fail('LOG_NOTE_UNTRUSTED') },
    'Must fail with LOG_NOTE_UNTRUSTED: signed only by a key the verifier does not know.');
  add('same-name-other-key-id_fail', signed(body, [impostor]), { ...checkpointSpec, expected: fail('LOG_NOTE_UNTRUSTED') },
    'Must fail with LOG_NOTE_UNTRUSTED: the only signature has the log\'s key name but another key ID: another key, ignored, so no trusted signature.');
  add('bad-signature-known-key_fail', corruptSignature(signed(body, [log]), 0), { ...checkpointSpec, expected: fail('LOG_SIGNATURE_INVALID') },
    'Must fail with LOG_SIGNATURE_INVALID: the log\'s key name and ID, but one bit of the signature flipped.');
  add('bad-signature-beside-good-one_fail', corruptSignature(signed(body, [nextLog, log]), 0), { ...checkpointSpec, logKeys: [log.verifierKey, nextLog.verifierKey], expected: fail('LOG_SIGNATURE_INVALID') },
    'Must fail with LOG_SIGNATURE_INVALID: one trusted key signed correctly, another trusted key\'s signature is bad: the whole note is refused.');
  add('signature-over-other-text_fail', `${body}\n${signatureLine(formatCheckpointBody({ ...checkpoint, size: 8 }), log)}\n`, { ...checkpointSpec, expected: fail('LOG_SIGNATURE_INVALID') },
    'Must fail with LOG_SIGNATURE_INVALID: the log\'s real signature, but over a checkpoint of size 8, under a body that says 7.');
  add('size-leading-zero_fail', signed(`${ORIGIN}\n007\n${checkpoint.root.toString('base64')}\n`, [log]), { ...checkpointSpec, expected: fail('LOG_CHECKPOINT_MALFORMED') },
    'Must fail with LOG_CHECKPOINT_MALFORMED: the size 007 has leading zeros (tlog-checkpoint: none unless the tree is empty).');
  add('size-zero-written-twice_fail', signed(`${ORIGIN}\n00\n${empty.root.toString('base64')}\n`, [log]), { ...checkpointSpec, expected: fail('LOG_CHECKPOINT_MALFORMED') },
    'Must fail with LOG_CHECKPOINT_MALFORMED: the empty tree\'s size is written 0, never 00.');
  add('size-beyond-2p53_fail', signed(`${ORIGIN}\n9007199254740993\n${checkpoint.root.toString('base64')}\n`, [log]), { ...checkpointSpec, expected: fail('LOG_CHECKPOINT_MALFORMED') },
    'Must fail with LOG_CHECKPOINT_MALFORMED: a size past 2^53, which no number holds exactly and no Writ log reaches.');
  add('root-not-32-bytes_fail', signed(`${ORIGIN}\n7\n${checkpoint.root.subarray(0, 31).toString('base64')}\n`, [log]), { ...checkpointSpec, expected: fail('LOG_CHECKPOINT_MALFORMED') },
    'Must fail with LOG_CHECKPOINT_MALFORMED: a root of 31 bytes.');
  add('root-unpadded-base64_fail', signed(`${ORIGIN}\n7\n${checkpoint.root.toString('base64').replace(/=+$/, '')}\n`, [log]), { ...checkpointSpec, expected: fail('LOG_CHECKPOINT_MALFORMED') },
    'Must fail with LOG_CHECKPOINT_MALFORMED: the root without its base64 padding; one value, one spelling.');
  add('empty-origin_fail', signed(`\n7\n${checkpoint.root.toString('base64')}\n`, [log]), { ...checkpointSpec, expected: fail('LOG_CHECKPOINT_MALFORMED') },
    'Must fail with LOG_CHECKPOINT_MALFORMED: an empty origin line, signed by the log\'s key.');
  add('missing-size-line_fail', signed(`${ORIGIN}\n${checkpoint.root.toString('base64')}\n`, [log]), { ...checkpointSpec, expected: fail('LOG_CHECKPOINT_MALFORMED') },
    'Must fail with LOG_CHECKPOINT_MALFORMED: two lines, no size.');
  const manyStrangers = Array.from({ length: 32 }, (_, i) => testLogSigner(`stranger.example/${i}`));
  add('too-many-signatures_fail', signed(body, [log, ...manyStrangers]), { ...checkpointSpec, expected: fail('LOG_NOTE_MALFORMED') },
    'Must fail with LOG_NOTE_MALFORMED: 33 signatures, more than the 32 Writ reads (signed-note: verifiers SHOULD bound them, MUST accept 16).');
  add('missing-final-newline_fail', signed(body, [log]).slice(0, -1), { ...checkpointSpec, expected: fail('LOG_NOTE_MALFORMED') },
    'Must fail with LOG_NOTE_MALFORMED: the signature line does not end in a newline.');
  add('blank-line-after-signatures_fail', `${signed(body, [log])}\n`, { ...checkpointSpec, expected: fail('LOG_NOTE_MALFORMED') },
    'Must fail with LOG_NOTE_MALFORMED: a trailing blank line after the signatures, which leaves no signature after the last blank line.');
  add('no-signature_fail', `${body}\n`, { ...checkpointSpec, expected: fail('LOG_NOTE_MALFORMED') },
    'Must fail with LOG_NOTE_MALFORMED: a body and a blank line, no signature.');
  add('no-blank-line_fail', `${body}${signatureLine(body, log)}\n`, { ...checkpointSpec, expected: fail('LOG_NOTE_MALFORMED') },
    'Must fail with LOG_NOTE_MALFORMED: the signature line follows the body without the blank line between them.');
  add('crlf-line-endings_fail', signed(body, [log]).replace(/\n/g, '\r\n'), { ...checkpointSpec, expected: fail('LOG_NOTE_MALFORMED') },
    'Must fail with LOG_NOTE_MALFORMED: CRLF line endings; a note holds no control character but newline.');
  const latin1 = Buffer.from(signed(body, [log]), 'utf8');
  latin1[latin1.indexOf('example')] = 0xe9; // a lone Latin-1 byte inside the origin
  add('non-utf8_fail', latin1, { ...checkpointSpec, expected: fail('LOG_NOTE_MALFORMED') },
    'Must fail with LOG_NOTE_MALFORMED: a byte (0xE9) that is not UTF-8 in the origin line.');
  add('signature-not-base64_fail', `${body}\n\u2014 ${ORIGIN} not*base64\n`, { ...checkpointSpec, expected: fail('LOG_NOTE_MALFORMED') },
    'Must fail with LOG_NOTE_MALFORMED: a signature that is not base64.');
  add('signature-too-short_fail', `${body}\n${formatSignatureLine(ORIGIN, log.keyId, Buffer.alloc(0))}\n`, { ...checkpointSpec, expected: fail('LOG_NOTE_MALFORMED') },
    'Must fail with LOG_NOTE_MALFORMED: a signature of the key ID alone, no signature bytes.');
  add('witness-quorum-not-met_fail', signed(body, [log, witnesses[1]!]), { ...checkpointSpec, witnessKeys, witnessesRequired: 2, expected: fail('LOG_WITNESS_QUORUM') },
    'Must fail with LOG_WITNESS_QUORUM: one of three known witnesses cosigned, two are required.');
  add('witness-counted-once_fail', signed(body, [log, witnesses[1]!, witnesses[1]!]), { ...checkpointSpec, witnessKeys, witnessesRequired: 2, expected: fail('LOG_WITNESS_QUORUM') },
    'Must fail with LOG_WITNESS_QUORUM: the same witness cosigned twice; it counts once, and two distinct witnesses are required.');
  add('witness-bad-cosignature_fail', corruptSignature(signed(body, [log, witnesses[0]!, witnesses[1]!]), 1), { ...checkpointSpec, witnessKeys, witnessesRequired: 1, expected: fail('LOG_SIGNATURE_INVALID') },
    'Must fail with LOG_SIGNATURE_INVALID: a known witness\'s cosignature with one bit flipped, beside a good one.');
  add('witness-cosignature-from-the-future_fail', signed(body, [log, testCosigner('witness.example/w1', at(NOW + 3600))]), { ...checkpointSpec, witnessKeys, witnessesRequired: 1, expected: fail('LOG_SIGNATURE_INVALID') },
    'Must fail with LOG_SIGNATURE_INVALID: a witness cosignature stamped an hour after the verifier\'s clock (tlog-cosignature: verifiers MAY reject those).');
  add('witness-key-as-log-key_fail', signed(body, [witnesses[0]!]), { ...checkpointSpec, witnessKeys, expected: fail('LOG_NOTE_UNTRUSTED') },
    'Must fail with LOG_NOTE_UNTRUSTED: only a witness cosigned; a cosignature is not the log\'s signature.');
  return cases;
}

/** The note with one bit flipped in the signature bytes (past the key ID) of signature line `index`. */
function corruptSignature(note: string, index: number): string {
  const parsed = parseSignedNote(note);
  const target = parsed.signatures[index]!;
  const bytes = Buffer.from(target.signature);
  bytes[bytes.length - 1]! ^= 0x01;
  const lines = parsed.signatures.map((signature) => (signature === target ? formatSignatureLine(signature.name, signature.keyId, bytes) : signature.line));
  return formatSignedNote(parsed.text, lines);
}
