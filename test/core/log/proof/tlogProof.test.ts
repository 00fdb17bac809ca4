import { formatCheckpointBody } from '../../../../core/log/checkpoint/checkpoint';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { signCheckpoint } from '../../../../core/log/checkpoint/signCheckpoint';
import { inclusionProof } from '../../../../core/log/merkle/inclusionProof';
import { treeRoot } from '../../../../core/log/merkle/treeHashes';
import { signatureLine } from '../../../../core/log/note/signNote';
import { formatTlogProof, parseTlogProof } from '../../../../core/log/proof/tlogProof';
import { verifyTlogProof } from '../../../../core/log/proof/verifyTlogProof';
import { entries, MemoryTree } from '../support/memoryTree';
import { testCosigner, testLogSigner } from '../support/testKeys';
import { codeOf } from '../../../support/codeOf';

const SPEC_EXAMPLE = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
`;

const ORIGIN = 'log.example/proof-test';
const NOW = 1_767_225_600;
const clock = () => new Date(NOW * 1000);


describe('tlog-proof files (c2sp.org/tlog-proof)', () => {
  it('parse the example of the spec: extra data, index, five hashes, the checkpoint verbatim', () => {
    const proof = parseTlogProof(SPEC_EXAMPLE);
    expect(proof.index).toBe(73894);
    expect(proof.extra?.toString('base64')).toBe('YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ');
    expect(proof.proof).toHaveLength(5);
    expect(proof.checkpoint.startsWith('example.com/fancylog\n109482\n')).toBe(true);
    expect(formatTlogProof(proof)).toBe(SPEC_EXAMPLE);
  });

  it.each([
    ['another header', SPEC_EXAMPLE.replace('@v1', '@v2')],
    ['an index with a leading zero', SPEC_EXAMPLE.replace('index 73894', 'index 073894')],
    ['no index', SPEC_EXAMPLE.replace('index 73894\n', '')],
    ['a hash of 31 bytes', SPEC_EXAMPLE.replace('gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=', Buffer.alloc(31).toString('base64'))],
    ['64 hashes', SPEC_EXAMPLE.replace('index 73894\n', `index 73894\n${`${Buffer.alloc(32).toString('base64')}\n`.repeat(59)}`)],
    ['no empty line', SPEC_EXAMPLE.replace('\n\n', '\n')],
    ['no checkpoint', `${SPEC_EXAMPLE.slice(0, SPEC_EXAMPLE.indexOf('\n\n'))}\n\n`],
  ])('refuse %s (LOG_PROOF_MALFORMED)', (_why, text) => {
    expect(codeOf(() => parseTlogProof(text))).toBe('LOG_PROOF_MALFORMED');
  });
});

describe('verifyTlogProof', () => {
  const log = testLogSigner(ORIGIN);
  const witness = testCosigner('witness.example/proof-test', clock);
  const all = entries(21);
  const tree = MemoryTree.of(all);
  const note = signCheckpoint({ origin: ORIGIN, size: 21, root: treeRoot(tree) }, log);
  const cosigned = `${note}${signatureLine(formatCheckpointBody({ origin: ORIGIN, size: 21, root: treeRoot(tree) }), witness)}\n`;
  const proofOf = (index: number, checkpoint = note) => formatTlogProof({ index, proof: inclusionProof(tree, index), checkpoint });
  const verifier = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [log.verifierKey] });

  it('accepts an entry at its index in the checkpointed log', () => {
    expect(verifyTlogProof(proofOf(13), all[13]!, verifier)).toMatchObject({ index: 13, checkpoint: { checkpoint: { size: 21 } } });
  });

  it('refuses another entry, another index, or a proof against a checkpoint that does not verify', () => {
    expect(codeOf(() => verifyTlogProof(proofOf(13), all[12]!, verifier))).toBe('LOG_PROOF_INVALID');
    expect(codeOf(() => verifyTlogProof(proofOf(13).replace('index 13', 'index 12'), all[13]!, verifier))).toBe('LOG_PROOF_INVALID');
    expect(codeOf(() => verifyTlogProof(proofOf(13, note.replace('\n21\n', '\n22\n')), all[13]!, verifier))).toBe('LOG_SIGNATURE_INVALID');
    const otherLog = CheckpointVerifier.fromVerifierKeys({ origin: 'log.example/other', logKeys: [log.verifierKey] });
    expect(codeOf(() => verifyTlogProof(proofOf(13), all[13]!, otherLog))).toBe('LOG_ORIGIN_MISMATCH');
  });

  it('requires k of n witnesses when the verifier does (LOG_WITNESS_QUORUM)', () => {
    const quorum = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [log.verifierKey], witnessKeys: [witness.verifierKey], witnessesRequired: 1 }, { clock });
    expect(codeOf(() => verifyTlogProof(proofOf(4), all[4]!, quorum))).toBe('LOG_WITNESS_QUORUM');
    expect(verifyTlogProof(proofOf(4, cosigned), all[4]!, quorum).checkpoint.witnesses).toHaveLength(1);
  });
});
