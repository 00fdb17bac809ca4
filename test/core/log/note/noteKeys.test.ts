import { isWritError } from '../../../../core/errors/writError';
import { formatVerifierKey, noteKeyId, parseVerifierKey, SIGNATURE_TYPE } from '../../../../core/log/note/noteKeys';
import { Ed25519NoteSigner, generateNoteKey, parsePrivateNoteKey } from '../../../../core/log/note/noteSigner';
import { Ed25519NoteVerifier } from '../../../../core/log/note/noteVerifier';
import { parseSignedNote } from '../../../../core/log/note/signedNote';
import { signNote } from '../../../../core/log/note/signNote';
import { verifyNote } from '../../../../core/log/note/verifyNote';
import { codeOf } from '../../../support/codeOf';

const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';


describe('note keys (c2sp.org/signed-note)', () => {
  it('derives the key ID of the spec example: SHA-256(name || 0x0A || 0x01 || key)[:4]', () => {
    const key = parseVerifierKey(SPEC_VKEY, SIGNATURE_TYPE.ed25519);
    expect(key).toMatchObject({ name: 'example.com/foo', keyId: 0x530d903a, type: 0x01 });
    expect(noteKeyId(key.name, 0x01, key.publicKey)).toBe(0x530d903a);
    expect(formatVerifierKey(key)).toBe(SPEC_VKEY);
  });

  it('gives the same key another ID as a cosigning key (type 0x04)', () => {
    const key = parseVerifierKey(SPEC_VKEY, SIGNATURE_TYPE.ed25519);
    expect(noteKeyId(key.name, 0x04, key.publicKey)).not.toBe(key.keyId);
  });

  it.each([
    ['an ID that is not the one of the name and key', 'example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['another name with the same ID and key', 'example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['an upper-case hex ID', 'example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['a cosigning key where a log key is expected', formatVerifierKey({ name: 'w', type: 0x04, publicKey: Buffer.alloc(32, 7) })],
    ['a key of 31 bytes', `x+00000000+${Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]).toString('base64')}`],
    ['two fields', 'example.com/foo+530d903a'],
    ['a name with a space', 'example.com/f oo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
  ])('refuses a vkey with %s (LOG_KEY_INVALID)', (_why, vkey) => {
    expect(codeOf(() => parseVerifierKey(vkey, SIGNATURE_TYPE.ed25519))).toBe('LOG_KEY_INVALID');
  });

  it('generates keys whose signatures verify under their vkey, and whose private form says no more than the name', () => {
    const pair = generateNoteKey('log.example/test', SIGNATURE_TYPE.ed25519);
    expect(pair.privateKey).toMatch(/^PRIVATE\+KEY\+log\.example\/test\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
    const signer = Ed25519NoteSigner.fromPrivateKey(pair.privateKey);
    expect(signer.verifierKey).toBe(pair.verifierKey);
    const note = parseSignedNote(signNote('hello\n', [signer]));
    expect(verifyNote(note, [Ed25519NoteVerifier.fromVerifierKey(pair.verifierKey)])).toHaveLength(1);
  });

  it('refuses a private key of the other type, or with a key ID that is not its own, without printing key material', () => {
    const pair = generateNoteKey('log.example/test', SIGNATURE_TYPE.ed25519);
    let message = '';
    try {
      parsePrivateNoteKey(pair.privateKey, SIGNATURE_TYPE.cosignatureV1);
    } catch (error) {
      message = (error as Error).message;
      expect(isWritError(error, 'LOG_KEY_INVALID')).toBe(true);
    }
    // The key material is everything after PRIVATE+KEY+<name>+<id>+ (base64 may itself hold '+').
    const material = pair.privateKey.split('+').slice(4).join('+');
    expect(material.length).toBeGreaterThan(40);
    expect(message).not.toContain(material);
    const otherId = pair.privateKey.replace(/\+([0-9a-f]{8})\+/, (_m, id: string) => `+${id === '00000000' ? '00000001' : '00000000'}+`);
    expect(codeOf(() => Ed25519NoteSigner.fromPrivateKey(otherId))).toBe('LOG_KEY_INVALID');
  });
});

describe('signed notes', () => {
  it('parses the first example of the spec: a text with an empty line, one signature', () => {
    const note = parseSignedNote(
      Buffer.from(
        'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n\n\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n',
        'utf8',
      ),
    );
    expect(note.text).toBe('Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n');
    expect(note.signatures.map((signature) => [signature.name, signature.signature.length])).toEqual([['quasimodo.example/salvatore', 64]]);
  });

  it('refuses a string with a lone surrogate, which has no UTF-8 form (LOG_NOTE_MALFORMED)', () => {
    expect(codeOf(() => parseSignedNote('text \ud800\n\n\u2014 a AAAAAAA=\n'))).toBe('LOG_NOTE_MALFORMED');
  });

  it('refuses to verify against no key at all (LOG_NOTE_UNTRUSTED)', () => {
    const note = parseSignedNote('This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n');
    expect(codeOf(() => verifyNote(note, []))).toBe('LOG_NOTE_UNTRUSTED');
    expect(verifyNote(note, [Ed25519NoteVerifier.fromVerifierKey(SPEC_VKEY)])).toHaveLength(1);
  });
});
