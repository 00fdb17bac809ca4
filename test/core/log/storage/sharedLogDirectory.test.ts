import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { decodeEvidenceEntry, encodeEvidenceEntry } from '../../../../core/log/entries/evidenceEntry';
import { BATCH_MARKER_FILE, LogDirectory } from '../../../../core/log/storage/logDirectory';
import { encodeEntryBundle } from '../../../../core/log/tiles/entryBundle';
import { LogReader } from '../../../../core/log/storage/logReader';
import { verifyLogContents } from '../../../../core/log/storage/verifyLogContents';
import { testEntry } from '../support/evidence';
import { testLogSigner, testPrivateKey } from '../support/testKeys';
import { SIGNATURE_TYPE } from '../../../../core/log/note/noteKeys';

const CHILD = resolve(__dirname, '../../../../dist/test/core/log/support/sharedAppendChild.js');
const ORIGIN = 'log.example/shared-test';
const key = testLogSigner(ORIGIN);
const checkpoints = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [key.verifierKey] });
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'writ-shared-log-'));
  dirs.push(dir);
  return join(dir, 'log');
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every entry of the log, decoded, after checking the whole tree against its checkpoint. */
async function verifiedEntries(dir: string) {
  const reader = LogReader.forDirectory(dir, checkpoints);
  const latest = await reader.latest();
  const { size } = await verifyLogContents(reader, latest);
  const entries = [];
  for (let index = 0; index < size; index += 1) entries.push(decodeEvidenceEntry(await reader.entry(index, size)));
  return entries;
}

describe('LogDirectory.openShared', () => {
  describe('when two writers in one process take turns', () => {
    it('each extends the edge the other published: nothing lost, the tree verifies', async () => {
      const dir = freshDir();
      const [a, b] = await Promise.all([
        LogDirectory.openShared(dir, key, { lockTimeoutMs: 5_000, create: true }),
        LogDirectory.openShared(dir, key, { lockTimeoutMs: 5_000, create: true }),
      ]);
      const appends = [];
      for (let i = 0; i < 40; i += 1) appends.push((i % 2 === 0 ? a : b).append([testEntry(`${i % 2 === 0 ? 'a' : 'b'}-${i}`)]));
      const results = await Promise.all(appends);
      a.close();
      b.close();
      const entries = await verifiedEntries(dir);
      expect(entries).toHaveLength(40);
      expect(new Set(results.map((result) => result.indices[0])).size).toBe(40);
      results.forEach((result, i) => expect(entries[result.indices[0]!]!.stepId).toBe(`writ-step-${i % 2 === 0 ? 'a' : 'b'}-${i}`));
    });
  });

  describe('when another writer died mid-batch', () => {
    it('removes what that batch left before extending its own edge, so no stale partial tile lies within the next checkpoint', async () => {
      const dir = freshDir();
      const log = await LogDirectory.openShared(dir, key, { lockTimeoutMs: 5_000, create: true });
      await log.append([testEntry(0), testEntry(1)]);
      // What a writer killed after staging a batch of 2 leaves: a bundle of width 4 no checkpoint covers, and its marker.
      const stale = join(dir, 'tile', 'entries', '000.p', '4');
      writeFileSync(stale, encodeEntryBundle([0, 1, 2, 3].map((i) => encodeEvidenceEntry(testEntry(`dead-${i}`)))));
      writeFileSync(join(dir, BATCH_MARKER_FILE), '');
      await log.append([testEntry(2), testEntry(3), testEntry(4)]);
      log.close();
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(join(dir, BATCH_MARKER_FILE))).toBe(false);
      expect((await verifiedEntries(dir)).map((entry) => entry.stepId)).toEqual([0, 1, 2, 3, 4].map((i) => `writ-step-${i}`));
    });
  });

  describe('when a lifetime writer holds the directory', () => {
    it('waits up to its timeout and is refused LOG_LOCKED', async () => {
      const dir = freshDir();
      (await LogDirectory.create(dir, key)).close();
      const shared = await LogDirectory.openShared(dir, key, { lockTimeoutMs: 50, create: false });
      const held = await LogDirectory.open(dir, key);
      await expect(shared.append([testEntry('blocked')])).rejects.toMatchObject({ code: 'LOG_LOCKED' });
      held.close();
      await expect(shared.append([testEntry('after')])).resolves.toMatchObject({ indices: [0] });
      shared.close();
    });
  });

  describe('when the directory holds no log', () => {
    it('is LOG_NOT_FOUND unless asked to create one', async () => {
      await expect(LogDirectory.openShared(freshDir(), key, { lockTimeoutMs: 50, create: false })).rejects.toMatchObject({ code: 'LOG_NOT_FOUND' });
    });
  });

  describe('when two processes append concurrently', () => {
    it('loses nothing either acknowledged, and the tree verifies', async () => {
      if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run \`npm run build\` (npm test does)`);
      const dir = freshDir();
      (await LogDirectory.create(dir, key)).close();
      const run = (name: string) =>
        new Promise<string[]>((done, fail) => {
          const child = spawn(process.execPath, [CHILD, dir, name, '300'], { env: { ...process.env, WRIT_TEST_LOG_KEY: testPrivateKey(ORIGIN, SIGNATURE_TYPE.ed25519) }, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.on('error', fail);
          child.on('exit', (code) => (code === 0 ? done(out.trim().split('\n')) : fail(new Error(`child ${name} exited ${code}: ${err}`))));
        });
      const [first, second] = await Promise.all([run('p1'), run('p2')]);
      const acknowledged = [...first!, ...second!].map((line) => {
        const [label, index] = line.split(' ');
        return { label: label!, index: Number(index) };
      });
      expect(acknowledged).toHaveLength(600);
      const entries = await verifiedEntries(dir);
      expect(entries).toHaveLength(600);
      for (const { label, index } of acknowledged) expect(entries[index]!.stepId).toBe(`writ-step-${label}`);
    }, 120_000);
  });
});
