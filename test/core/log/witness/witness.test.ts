import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { signCheckpoint } from '../../../../core/log/checkpoint/signCheckpoint';
import { leafHash } from '../../../../core/log/merkle/hashes';
import { consistencyProof } from '../../../../core/log/merkle/consistencyProof';
import { treeRoot } from '../../../../core/log/merkle/treeHashes';
import { formatAddCheckpointRequest, parseAddCheckpointRequest } from '../../../../core/log/witness/addCheckpointRequest';
import { Witness } from '../../../../core/log/witness/witness';
import { entries, MemoryTree } from '../support/memoryTree';
import { testLogSigner } from '../support/testKeys';

const ORIGIN = 'log.example/witnessed';
const NOW = 1_767_225_600;
const clock = () => new Date(NOW * 1000);
const log = testLogSigner(ORIGIN);
const tree = MemoryTree.of(entries(100));
const checkpointAt = (size: number) => signCheckpoint({ origin: ORIGIN, size, root: treeRoot(tree, size) }, log);
const request = (oldSize: number, size: number, proof = oldSize === 0 || oldSize === size ? [] : consistencyProof(tree, oldSize, size)) =>
  formatAddCheckpointRequest({ oldSize, proof, checkpoint: checkpointAt(size) });

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function freshWitness(): Promise<{ witness: Witness; vkey: string; dir: string }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'writ-witness-')), 'witness');
  dirs.push(dir);
  const vkey = await Witness.create(dir, 'witness.example/w1', [log.verifierKey]);
  return { witness: Witness.open(dir, clock), vkey, dir };
}

describe('a witness (c2sp.org/tlog-witness add-checkpoint)', () => {
  it('cosigns the first checkpoint from size 0, then each one a consistency proof shows extends the last', async () => {
    const { witness, vkey, dir } = await freshWitness();
    try {
      const first = await witness.addCheckpoint(request(0, 10));
      expect(first.cosignature).toMatch(/^— witness\.example\/w1 /);
      const second = await witness.addCheckpoint(request(10, 64));
      const third = await witness.addCheckpoint(request(64, 64));
      expect(third.checkpoint.size).toBe(64);
      const verifier = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [log.verifierKey], witnessKeys: [vkey], witnessesRequired: 1 }, { clock });
      expect(verifier.verify(second.note).witnesses).toEqual([expect.objectContaining({ name: 'witness.example/w1', time: NOW })]);
      expect(witness.latest(ORIGIN)).toBe(third.note);
      expect(statSync(join(dir, 'witness.key')).mode & 0o777).toBe(0o600);
    } finally {
      witness.close();
    }
  });

  it.each([
    ['an older checkpoint', async (w: Witness) => w.addCheckpoint(request(50, 20, [])), 'LOG_CHECKPOINT_OLDER'],
    ['an old size other than the last cosigned', async (w: Witness) => w.addCheckpoint(request(30, 60)), 'LOG_WITNESS_SIZE_MISMATCH'],
    ['a proof that does not verify', async (w: Witness) => w.addCheckpoint(request(50, 60, consistencyProof(tree, 49, 60))), 'LOG_CHECKPOINT_INCONSISTENT'],
    ['a fork: the same size, another root, signed by the log', async (w: Witness) => w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 50, proof: [], checkpoint: signCheckpoint({ origin: ORIGIN, size: 50, root: leafHash(Buffer.from('fork')) }, log) })), 'LOG_CHECKPOINT_INCONSISTENT'],
    ['a checkpoint of a log it does not watch', async (w: Witness) => w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 50, proof: [], checkpoint: signCheckpoint({ origin: 'log.example/other', size: 50, root: treeRoot(tree, 50) }, testLogSigner('log.example/other')) })), 'LOG_ORIGIN_UNKNOWN'],
    ['a checkpoint not signed by the log\'s key', async (w: Witness) => w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 50, proof: [], checkpoint: signCheckpoint({ origin: ORIGIN, size: 50, root: treeRoot(tree, 50) }, testLogSigner(ORIGIN, 'impostor')) })), 'LOG_NOTE_UNTRUSTED'],
    ['a request without its old size line', async (w: Witness) => w.addCheckpoint(request(50, 60).replace(/^old 50\n/, '')), 'LOG_PROOF_MALFORMED'],
  ])('refuses %s, and keeps what it cosigned', async (_what, submit, code) => {
    const { witness } = await freshWitness();
    try {
      const cosigned = await witness.addCheckpoint(request(0, 50));
      await expect(submit(witness)).rejects.toMatchObject({ code });
      expect(witness.latest(ORIGIN)).toBe(cosigned.note);
      // It still cosigns the log's real next checkpoint.
      await witness.addCheckpoint(request(50, 70));
    } finally {
      witness.close();
    }
  });

  it('tells the client the size it holds when the old size is wrong, and a size-0 checkpoint needs the empty root', async () => {
    const { witness } = await freshWitness();
    try {
      await witness.addCheckpoint(request(0, 40));
      await expect(witness.addCheckpoint(request(0, 60))).rejects.toMatchObject({ code: 'LOG_WITNESS_SIZE_MISMATCH', facts: { size: 40 } });
      const fresh = await freshWitness();
      const badEmpty = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: signCheckpoint({ origin: ORIGIN, size: 0, root: leafHash(Buffer.alloc(0)) }, log) });
      await expect(fresh.witness.addCheckpoint(badEmpty)).rejects.toMatchObject({ code: 'LOG_CHECKPOINT_INCONSISTENT' });
      await expect(fresh.witness.addCheckpoint(formatAddCheckpointRequest({ oldSize: 0, proof: consistencyProof(tree, 1, 5), checkpoint: checkpointAt(5) }))).rejects.toMatchObject({ code: 'LOG_CHECKPOINT_INCONSISTENT' });
      fresh.witness.close();
    } finally {
      witness.close();
    }
  });

  it('does not trust its own state file once edited: it re-verifies it', async () => {
    const { witness, dir } = await freshWitness();
    await witness.addCheckpoint(request(0, 30));
    witness.close();
    const [file] = require('node:fs').readdirSync(join(dir, 'state')) as string[];
    const statePath = join(dir, 'state', file!);
    writeFileSync(statePath, readFileSync(statePath, 'utf8').replace('\n30\n', '\n31\n'));
    const reopened = Witness.open(dir, clock);
    try {
      await expect(reopened.addCheckpoint(request(30, 40))).rejects.toMatchObject({ code: 'LOG_SIGNATURE_INVALID' });
    } finally {
      reopened.close();
    }
  });

  it('is one process per directory (LOG_LOCKED)', async () => {
    const { witness, dir } = await freshWitness();
    try {
      expect(() => Witness.open(dir, clock)).toThrow(expect.objectContaining({ code: 'LOG_LOCKED' }));
    } finally {
      witness.close();
    }
  });

  it('reads and writes the add-checkpoint body of the spec', () => {
    const body = 'old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';
    const parsed = parseAddCheckpointRequest(body);
    expect(parsed).toMatchObject({ oldSize: 20852014 });
    expect(parsed.proof).toHaveLength(4);
    expect(formatAddCheckpointRequest(parsed)).toBe(body);
  });
});
