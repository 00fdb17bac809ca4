import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCheckpointBody } from '../../../../core/log/checkpoint/checkpoint';
import { parseSignedNote } from '../../../../core/log/note/signedNote';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { CosignatureVerifier } from '../../../../core/log/checkpoint/cosignature';
import { formatAddCheckpointRequest } from '../../../../core/log/witness/addCheckpointRequest';
import { Witness } from '../../../../core/log/witness/witness';
import { signCheckpoint } from '../../../../core/log/checkpoint/signCheckpoint';
import { encodeEvidenceEntry } from '../../../../core/log/entries/evidenceEntry';
import { leafHash } from '../../../../core/log/merkle/hashes';
import { formatTlogProof } from '../../../../core/log/proof/tlogProof';
import { verifyTlogProof } from '../../../../core/log/proof/verifyTlogProof';
import { writeFilesDurably } from '../../../../core/log/storage/durableFiles';
import { LogDirectory } from '../../../../core/log/storage/logDirectory';
import { LogReader } from '../../../../core/log/storage/logReader';
import { verifyLogContents } from '../../../../core/log/storage/verifyLogContents';
import { appendToEdge } from '../../../../core/log/tiles/logEdge';
import { readEdge } from '../../../../core/log/storage/readEdge';
import { DirectoryStorage } from '../../../../core/log/storage/directoryStorage';
import { testEntry } from '../support/evidence';
import { testLogSigner } from '../support/testKeys';

const ORIGIN = 'log.example/directory-test';
const key = testLogSigner(ORIGIN);
const checkpoints = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [key.verifierKey] });
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'writ-log-'));
  dirs.push(dir);
  return join(dir, 'log');
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => testEntry(from + i));

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}

describe('LogDirectory', () => {
  it('appends batches, returns each entry\'s index, and publishes a checkpoint covering them that proofs verify against', async () => {
    const dir = freshDir();
    const log = await LogDirectory.create(dir, key);
    try {
      expect(log.size).toBe(0);
      const first = await log.append(batch(0, 3));
      const second = await log.append(batch(3, 300));
      expect(first.indices).toEqual([0, 1, 2]);
      expect(second.indices[0]).toBe(3);
      expect(second.size).toBe(303);
      expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(second.checkpoint);
      const reader = LogReader.forDirectory(dir, checkpoints);
      const latest = await reader.latest();
      for (const index of [0, 2, 255, 256, 302]) {
        const { proof, entry } = await reader.prove(index, latest);
        expect(entry).toEqual(encodeEvidenceEntry(testEntry(index)));
        expect(verifyTlogProof(formatTlogProof(proof), entry, checkpoints)).toMatchObject({ index });
      }
      expect(await reader.consistency(reader.verify(first.checkpoint), latest)).not.toHaveLength(0);
      expect(await verifyLogContents(reader, latest)).toMatchObject({ size: 303, kinds: { artifact: 303 } });
    } finally {
      log.close();
    }
  });

  it('lays the directory out as tlog-tiles serves it, and drops partial tiles a full one supersedes', async () => {
    const dir = freshDir();
    const log = await LogDirectory.create(dir, key);
    await log.append(batch(0, 200));
    expect(existsSync(join(dir, 'tile/0/000.p/200'))).toBe(true);
    await log.append(batch(200, 100));
    log.close();
    expect(existsSync(join(dir, 'tile/0/000'))).toBe(true);
    expect(existsSync(join(dir, 'tile/0/000.p/200'))).toBe(false);
    expect(readdirSync(join(dir, 'tile/0/001.p'))).toEqual(['44']);
    expect(readdirSync(join(dir, 'tile/entries'))).toEqual(['000', '001.p']);
    expect(readdirSync(join(dir, 'tile/1/000.p'))).toEqual(['1']);
  });

  it('refuses a second writer with LOG_LOCKED, in this process and in another, and lets the next one in after close', async () => {
    const dir = freshDir();
    const log = await LogDirectory.create(dir, key);
    await expectCode(LogDirectory.open(dir, key), 'LOG_LOCKED');
    const other = `
      const { DatabaseSync } = require('node:sqlite');
      const db = new DatabaseSync(${JSON.stringify(join(dir, '.writer.lock'))}, { timeout: 0 });
      try { db.exec('PRAGMA locking_mode = EXCLUSIVE'); db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked'); } catch (e) { process.stdout.write('busy ' + e.errcode); }`;
    expect(execFileSync(process.execPath, ['--no-warnings', '-e', other], { encoding: 'utf8' })).toBe('busy 5');
    log.close();
    (await LogDirectory.open(dir, key)).close();
  });

  it('refuses to create a log over one (LOG_ALREADY_EXISTS) or to open a directory without one (LOG_NOT_FOUND)', async () => {
    const dir = freshDir();
    (await LogDirectory.create(dir, key)).close();
    await expectCode(LogDirectory.create(dir, key), 'LOG_ALREADY_EXISTS');
    await expectCode(LogDirectory.open(freshDir(), key), 'LOG_NOT_FOUND');
  });

  it('refuses a batch with a bad entry and writes none of it (LOG_ENTRY_INVALID, LOG_ENTRY_TOO_LARGE)', async () => {
    const dir = freshDir();
    const log = await LogDirectory.create(dir, key);
    try {
      await expectCode(log.append([testEntry(0), { ...testEntry(1), evidence: 'not a jws' }]), 'LOG_ENTRY_INVALID');
      const huge = { ...testEntry(2), evidence: `${'a'.repeat(70_000)}.b.c` };
      await expectCode(log.append([huge]), 'LOG_ENTRY_INVALID');
      const large = { ...testEntry(2), evidence: `${'a'.repeat(65_500)}.b.c` };
      await expectCode(log.append([large]), 'LOG_ENTRY_TOO_LARGE');
      expect(log.size).toBe(0);
      expect(existsSync(join(dir, 'tile'))).toBe(false);
    } finally {
      log.close();
    }
  });

  it('opens over an interrupted append: the unacknowledged files go, the published log stays, appends go on', async () => {
    const dir = freshDir();
    const log = await LogDirectory.create(dir, key);
    await log.append(batch(0, 250));
    log.close();
    // What a crash after the tiles, before the checkpoint, leaves: a batch of 20 beyond it.
    const edge = await readEdge(new DirectoryStorage(dir), { origin: ORIGIN, size: 250, root: (await LogReader.forDirectory(dir, checkpoints).latest()).verified.checkpoint.root });
    const interrupted = appendToEdge(edge, batch(1000, 20).map(encodeEvidenceEntry));
    await writeFilesDurably(dir, interrupted.files);
    writeFileSync(join(dir, 'tile/0/.000.abc.tmp'), 'half');
    expect(existsSync(join(dir, 'tile/0/000'))).toBe(true);

    const reopened = await LogDirectory.open(dir, key);
    try {
      expect(reopened.size).toBe(250);
      for (const path of ['tile/0/000', 'tile/entries/000', 'tile/0/001.p/14', 'tile/1/000.p/1', 'tile/0/.000.abc.tmp']) expect(existsSync(join(dir, path))).toBe(false);
      expect(existsSync(join(dir, 'tile/0/000.p/250'))).toBe(true);
      await reopened.append(batch(250, 20));
      const reader = LogReader.forDirectory(dir, checkpoints);
      const latest = await reader.latest();
      expect(await verifyLogContents(reader, latest)).toMatchObject({ size: 270 });
      expect(await reader.entry(260, 270)).toEqual(encodeEvidenceEntry(testEntry(260)));
    } finally {
      reopened.close();
    }
  });

  it('fails an append it cannot write with LOG_WRITE_FAILED, acknowledges nothing, and recovers on the next', async () => {
    const dir = freshDir();
    const log = await LogDirectory.create(dir, key);
    try {
      await log.append(batch(0, 5));
      // A file where the first level-1 tile must go: the batch that fills tile 0 fails.
      writeFileSync(join(dir, 'tile/1'), 'in the way');
      await expectCode(log.append(batch(5, 300)), 'LOG_WRITE_FAILED');
      expect(log.size).toBe(5);
      expect(parseCheckpointBody(parseSignedNote(readFileSync(join(dir, 'checkpoint'), 'utf8')).text).size).toBe(5);
      rmSync(join(dir, 'tile/1'));
      const result = await log.append(batch(5, 300));
      expect(result.size).toBe(305);
      const reader = LogReader.forDirectory(dir, checkpoints);
      expect(await verifyLogContents(reader, await reader.latest())).toMatchObject({ size: 305 });
    } finally {
      log.close();
    }
  });

  it('publishes the cosignatures of witnesses that verified its checkpoint, until the next append', async () => {
    const dir = freshDir();
    const witnessDir = join(dirs[dirs.length - 1]!, 'witness');
    const vkey = await Witness.create(witnessDir, 'witness.example/dir-test', [key.verifierKey]);
    let now = Date.now() - 60_000;
    const witness = Witness.open(witnessDir, () => new Date((now += 5000)));
    const log = await LogDirectory.create(dir, key);
    try {
      const first = await log.append(batch(0, 10));
      const cosigned = await witness.addCheckpoint(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: first.checkpoint }));
      await log.addCosignatures(cosigned.note, [CosignatureVerifier.fromVerifierKey(vkey)]);
      // The same checkpoint cosigned again, later: its new cosignature replaces the old one.
      const again = await witness.addCheckpoint(formatAddCheckpointRequest({ oldSize: 10, proof: [], checkpoint: log.checkpoint }));
      const published = await log.addCosignatures(again.note, [CosignatureVerifier.fromVerifierKey(vkey)]);
      expect(parseSignedNote(published).signatures.map((signature) => signature.name)).toEqual([ORIGIN, 'witness.example/dir-test']);
      expect(published).toContain(again.cosignature);
      expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(published);
      const quorum = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [key.verifierKey], witnessKeys: [vkey], witnessesRequired: 1 });
      expect((await LogReader.forDirectory(dir, quorum).latest()).verified.witnesses).toHaveLength(1);
      await expectCode(log.addCosignatures(cosigned.note, []), 'LOG_NOTE_UNTRUSTED');
      await log.append(batch(10, 1));
      await expectCode(LogReader.forDirectory(dir, quorum).latest(), 'LOG_WITNESS_QUORUM');
      await expectCode(log.addCosignatures(cosigned.note, [CosignatureVerifier.fromVerifierKey(vkey)]), 'LOG_CHECKPOINT_OLDER');
    } finally {
      log.close();
      witness.close();
    }
  });

  describe('when the directory was tampered with', () => {
    async function tampered(change: (dir: string) => void): Promise<string> {
      const dir = freshDir();
      const log = await LogDirectory.create(dir, key);
      await log.append(batch(0, 600));
      log.close();
      change(dir);
      return dir;
    }

    it('refuses to open on a changed edge tile (LOG_CORRUPT)', async () => {
      const dir = await tampered((d) => {
        const file = join(d, 'tile/0/002.p/88');
        const data = readFileSync(file);
        data[0]! ^= 1;
        writeFileSync(file, data);
      });
      await expectCode(LogDirectory.open(dir, key), 'LOG_CORRUPT');
    });

    it.each([
      ['a rewritten entry', (d: string) => {
        const file = join(d, 'tile/entries/000');
        const data = readFileSync(file);
        data[40]! ^= 1;
        writeFileSync(file, data);
      }, 'LOG_CORRUPT'],
      ['an entry that is no longer an evidence entry', (d: string) => {
        const file = join(d, 'tile/entries/000');
        const data = readFileSync(file);
        data[2] = 0x78; // its opening brace
        writeFileSync(file, data);
      }, 'LOG_ENTRY_INVALID'],
      ['a rewritten full tile', (d: string) => {
        const file = join(d, 'tile/0/001');
        const data = readFileSync(file);
        data[100]! ^= 1;
        writeFileSync(file, data);
      }, 'LOG_CORRUPT'],
      ['a deleted bundle', (d: string) => rmSync(join(d, 'tile/entries/001')), 'LOG_CORRUPT'],
      ['a bundle with an entry swapped for a valid other one', (d: string) => {
        const entries = [encodeEvidenceEntry(testEntry('forged')), ...Array.from({ length: 255 }, (_, i) => encodeEvidenceEntry(testEntry(i + 1)))];
        writeFileSync(join(d, 'tile/entries/000'), Buffer.concat(entries.flatMap((e) => [Buffer.from([e.length >> 8, e.length & 0xff]), e])));
      }, 'LOG_CORRUPT'],
    ])('finds %s when verifying the whole log', async (_what, change, code) => {
      const dir = await tampered(change);
      const reader = LogReader.forDirectory(dir, checkpoints);
      await expectCode(verifyLogContents(reader, await reader.latest()), code);
    });

    it('refuses a proof of a rewritten entry rather than export one that fails (LOG_CORRUPT)', async () => {
      const dir = await tampered((d) => {
        const file = join(d, 'tile/0/000');
        const data = readFileSync(file);
        data[2 * 32]! ^= 1; // the hash of entry 2, the first hash of entry 3's proof
        writeFileSync(file, data);
      });
      const reader = LogReader.forDirectory(dir, checkpoints);
      await expectCode(reader.prove(3, await reader.latest()), 'LOG_CORRUPT');
    });

    it('shows a forked checkpoint, signed by the log\'s own key, inconsistent with the log (LOG_CHECKPOINT_INCONSISTENT)', async () => {
      const dir = await tampered(() => undefined);
      const reader = LogReader.forDirectory(dir, checkpoints);
      const latest = await reader.latest();
      const fork = reader.verify(signCheckpoint({ origin: ORIGIN, size: 400, root: leafHash(Buffer.from('another history')) }, key));
      const older = reader.verify(signCheckpoint({ origin: ORIGIN, size: 700, root: latest.verified.checkpoint.root }, key));
      await expectCode(reader.consistency(fork, latest), 'LOG_CHECKPOINT_INCONSISTENT');
      await expectCode(reader.consistency(latest, older), 'LOG_CHECKPOINT_INCONSISTENT');
      await expectCode(reader.consistency(latest, fork), 'LOG_CHECKPOINT_OLDER');
    });
  });
});
