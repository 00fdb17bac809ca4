import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { decodeEvidenceEntry, type EvidenceEntry } from '../../../../core/log/entries/evidenceEntry';
import { BatchingEvidenceLog, type BatchAppender } from '../../../../core/log/evidence/batchingEvidenceLog';
import { WritError } from '../../../../core/errors/writError';
import { LogDirectory } from '../../../../core/log/storage/logDirectory';
import { LogReader } from '../../../../core/log/storage/logReader';
import { verifyLogContents } from '../../../../core/log/storage/verifyLogContents';
import { testEntry } from '../support/evidence';
import { testLogSigner } from '../support/testKeys';

const ORIGIN = 'log.example/batching-test';
const key = testLogSigner(ORIGIN);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An appender that records each batch and answers like a log of `size` entries, after `delayMs`. */
function recordingAppender(delayMs = 5, failOnCall?: number) {
  const batches: EvidenceEntry[][] = [];
  let size = 0;
  const append: BatchAppender = async (entries) => {
    batches.push([...entries]);
    const call = batches.length;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (call === failOnCall) throw new WritError('LOG_WRITE_FAILED', 'injected: this batch did not reach the disk');
    const first = size;
    size += entries.length;
    return { indices: entries.map((_, i) => first + i) };
  };
  return { batches, append };
}

describe('BatchingEvidenceLog', () => {
  describe('when many steps append at once', () => {
    it('writes them in a few batches and gives each entry the index it was written at', async () => {
      const recorder = recordingAppender();
      const log = new BatchingEvidenceLog(recorder.append, () => undefined, { windowMs: 2, maxBatchEntries: 64 });
      const entries = Array.from({ length: 200 }, (_, i) => testEntry(i));
      const logged = await Promise.all(entries.map((entry) => log.append(entry)));
      expect(recorder.batches.length).toBeLessThan(10);
      expect(recorder.batches.every((batch) => batch.length <= 64)).toBe(true);
      const written = recorder.batches.flat();
      expect(written).toHaveLength(200);
      logged.forEach(({ index }, i) => expect(written[index!]).toBe(entries[i]));
      await log.close();
    });

    it('writes a full batch at once, without waiting for the window', async () => {
      const recorder = recordingAppender(0);
      const log = new BatchingEvidenceLog(recorder.append, () => undefined, { windowMs: 60_000, maxBatchEntries: 4 });
      await Promise.all(Array.from({ length: 4 }, (_, i) => log.append(testEntry(i))));
      expect(recorder.batches.map((batch) => batch.length)).toEqual([4]);
      await log.close();
    });
  });

  describe('when one batch fails', () => {
    it('rejects exactly the callers of that batch, with the log error, and the next batch is written', async () => {
      const recorder = recordingAppender(5, 2);
      const log = new BatchingEvidenceLog(recorder.append, () => undefined, { windowMs: 1, maxBatchEntries: 3 });
      const settled = await Promise.allSettled(Array.from({ length: 9 }, (_, i) => log.append(testEntry(i))));
      expect(recorder.batches.map((batch) => batch.length)).toEqual([3, 3, 3]);
      const failedEntries = new Set(recorder.batches[1]);
      settled.forEach((outcome, i) => {
        const inFailedBatch = [...failedEntries].some((entry) => entry.stepId === `writ-step-${i}`);
        if (inFailedBatch) expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'LOG_WRITE_FAILED' } });
        else expect(outcome.status).toBe('fulfilled');
      });
      expect(settled.filter((outcome) => outcome.status === 'rejected')).toHaveLength(3);
      await log.close();
    });
  });

  describe('when an entry is not valid evidence', () => {
    it('refuses that entry alone (LOG_ENTRY_INVALID) and writes the others', async () => {
      const recorder = recordingAppender(1);
      const log = new BatchingEvidenceLog(recorder.append, () => undefined);
      const bad = { ...testEntry('bad'), evidence: 'not a jws' };
      const [good, refused] = await Promise.allSettled([log.append(testEntry('good')), log.append(bad)]);
      expect(good.status).toBe('fulfilled');
      expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'LOG_ENTRY_INVALID' } });
      expect(recorder.batches.flat()).toHaveLength(1);
      await log.close();
    });
  });

  describe('when it is closed', () => {
    it('writes what is pending first, then refuses appends (EVIDENCE_LOG_UNAVAILABLE)', async () => {
      const recorder = recordingAppender(1);
      let closedUnderlying = false;
      const log = new BatchingEvidenceLog(recorder.append, () => void (closedUnderlying = true), { windowMs: 50 });
      const pending = log.append(testEntry('pending'));
      await log.close();
      await expect(pending).resolves.toEqual({ index: 0 });
      expect(closedUnderlying).toBe(true);
      await expect(log.append(testEntry('late'))).rejects.toMatchObject({ code: 'EVIDENCE_LOG_UNAVAILABLE' });
    });
  });

  describe('over a real log directory', () => {
    it('loses nothing it acknowledged: every acknowledged entry is at its index, and the tree verifies', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'writ-batching-'));
      dirs.push(dir);
      const directory = await LogDirectory.openShared(join(dir, 'log'), key, { lockTimeoutMs: 5_000, create: true });
      const log = new BatchingEvidenceLog((entries) => directory.append(entries), () => directory.close(), { windowMs: 2, maxBatchEntries: 32 });
      const entries = Array.from({ length: 300 }, (_, i) => testEntry(i, i % 2 === 0 ? 'artifact' : 'receipt'));
      const logged = await Promise.all(entries.map((entry) => log.append(entry)));
      await log.close();
      const reader = LogReader.forDirectory(join(dir, 'log'), CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [key.verifierKey] }));
      const latest = await reader.latest();
      expect(latest.verified.checkpoint.size).toBe(300);
      for (const [i, { index }] of logged.entries()) expect(decodeEvidenceEntry(await reader.entry(index!, 300))).toEqual(entries[i]);
      await expect(verifyLogContents(reader, latest)).resolves.toMatchObject({ size: 300 });
    });
  });
});
