import { formatCheckpointBody, parseCheckpointBody } from '../../../../core/log/checkpoint/checkpoint';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { cosignatureMessage, cosignatureTime, CosignatureVerifier } from '../../../../core/log/checkpoint/cosignature';
import { signCheckpoint } from '../../../../core/log/checkpoint/signCheckpoint';
import { EMPTY_ROOT } from '../../../../core/log/merkle/hashes';
import { Ed25519NoteVerifier } from '../../../../core/log/note/noteVerifier';
import { parseSignedNote } from '../../../../core/log/note/signedNote';
import { signatureLine } from '../../../../core/log/note/signNote';
import { testCosigner, testLogSigner } from '../support/testKeys';
import { codeOf } from '../../../support/codeOf';

const ORIGIN = 'log.example/unit';
const NOW = 1_767_225_600;
const clock = () => new Date(NOW * 1000);


describe('checkpoint bodies (c2sp.org/tlog-checkpoint)', () => {
  it('format and parse back: origin, size, base64 root, each line ending in a newline', () => {
    const body = formatCheckpointBody({ origin: ORIGIN, size: 0, root: EMPTY_ROOT });
    expect(body).toBe(`${ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n`);
    expect(parseCheckpointBody(body)).toEqual({ origin: ORIGIN, size: 0, root: EMPTY_ROOT });
  });

  it('parses the example of the spec', () => {
    expect(parseCheckpointBody('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n')).toMatchObject({ origin: 'example.com/behind-the-sofa', size: 20852163 });
  });

  it.each([['+7'], ['7.0'], [' 7'], ['0x7'], ['']])('refuses the size %j (LOG_CHECKPOINT_MALFORMED)', (size) => {
    expect(codeOf(() => parseCheckpointBody(`${ORIGIN}\n${size}\n${EMPTY_ROOT.toString('base64')}\n`))).toBe('LOG_CHECKPOINT_MALFORMED');
  });
});

describe('cosignatures (c2sp.org/tlog-cosignature, Ed25519 v1)', () => {
  it('sign "cosignature/v1\\ntime <t>\\n" and the body, as a u64 big-endian time and an Ed25519 signature', () => {
    const witness = testCosigner('witness.example/unit', clock);
    const body = formatCheckpointBody({ origin: ORIGIN, size: 0, root: EMPTY_ROOT });
    const signature = witness.sign(Buffer.from(body));
    expect(signature).toHaveLength(72);
    expect(cosignatureTime(signature)).toBe(NOW);
    expect(cosignatureMessage(NOW, body).toString()).toBe(`cosignature/v1\ntime ${NOW}\n${body}`);
    const verifier = CosignatureVerifier.fromVerifierKey(witness.verifierKey, { clock });
    expect(() => verifier.verifySignature(Buffer.from(body), signature)).not.toThrow();
    expect(codeOf(() => verifier.verifySignature(Buffer.from(body.replace('\n0\n', '\n1\n')), signature))).toBe('LOG_SIGNATURE_INVALID');
  });

  it('refuse a time past 2^63 - 1', () => {
    const witness = testCosigner('witness.example/unit', clock);
    const signature = witness.sign(Buffer.from('x\n'));
    signature.writeBigUInt64BE(2n ** 63n, 0);
    expect(codeOf(() => cosignatureTime(signature))).toBe('LOG_SIGNATURE_INVALID');
  });
});

describe('CheckpointVerifier', () => {
  const log = testLogSigner(ORIGIN);
  const witness = testCosigner('witness.example/unit', clock);

  it('is checked when built: k from 0 to n, keys distinct, at least one log key (LOG_KEY_INVALID)', () => {
    const witnessVerifier = CosignatureVerifier.fromVerifierKey(witness.verifierKey);
    const logVerifier = Ed25519NoteVerifier.fromVerifierKey(log.verifierKey);
    expect(codeOf(() => new CheckpointVerifier({ origin: ORIGIN, logKeys: [logVerifier], witnesses: [witnessVerifier], witnessesRequired: 2 }))).toBe('LOG_KEY_INVALID');
    expect(codeOf(() => new CheckpointVerifier({ origin: ORIGIN, logKeys: [logVerifier], witnessesRequired: -1 }))).toBe('LOG_KEY_INVALID');
    expect(codeOf(() => new CheckpointVerifier({ origin: ORIGIN, logKeys: [] }))).toBe('LOG_KEY_INVALID');
    expect(codeOf(() => new CheckpointVerifier({ origin: ORIGIN, logKeys: [logVerifier, Ed25519NoteVerifier.fromVerifierKey(log.verifierKey)] }))).toBe('LOG_KEY_INVALID');
  });

  it('returns the checkpoint and the witnesses that cosigned, with their times', () => {
    const note = signCheckpoint({ origin: ORIGIN, size: 0, root: EMPTY_ROOT }, log);
    const cosigned = `${note}${signatureLine(parseSignedNote(note).text, witness)}\n`;
    const verified = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [log.verifierKey], witnessKeys: [witness.verifierKey], witnessesRequired: 1 }, { clock }).verify(cosigned);
    expect(verified.checkpoint).toEqual({ origin: ORIGIN, size: 0, root: EMPTY_ROOT });
    expect(verified.witnesses).toEqual([{ name: 'witness.example/unit', keyId: witness.keyId, time: NOW }]);
  });

  it('refuses to sign another log\'s checkpoint with a log key (LOG_ORIGIN_MISMATCH)', () => {
    expect(codeOf(() => signCheckpoint({ origin: 'other.example/log', size: 0, root: EMPTY_ROOT }, log))).toBe('LOG_ORIGIN_MISMATCH');
  });
});
