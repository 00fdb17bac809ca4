// One of several processes sharing a log: `node sharedAppendChild.js <dir> <name> <count>`,
// with the log's private key in WRIT_TEST_LOG_KEY. It appends `count` entries labelled
// `<name>-<i>` through the batcher, all at once, and prints `<label> <index>` for each
// acknowledged one.
import { writeSync } from 'node:fs';
import { BatchingEvidenceLog } from '../../../../core/log/evidence/batchingEvidenceLog';
import { Ed25519NoteSigner } from '../../../../core/log/note/noteSigner';
import { LogDirectory } from '../../../../core/log/storage/logDirectory';
import { testEntry } from './evidence';

async function main(): Promise<void> {
  const [dir, name, countText] = process.argv.slice(2);
  const key = Ed25519NoteSigner.fromPrivateKey(process.env['WRIT_TEST_LOG_KEY'] ?? '');
  const directory = await LogDirectory.openShared(dir!, key, { lockTimeoutMs: 10_000, create: false });
  const log = new BatchingEvidenceLog((entries) => directory.append(entries), () => directory.close(), { windowMs: 1, maxBatchEntries: 16 });
  const labels = Array.from({ length: Number(countText) }, (_, i) => `${name}-${i}`);
  // In waves, so the two processes' batches interleave rather than one finishing first.
  for (let wave = 0; wave < labels.length; wave += 30) {
    const logged = await Promise.all(labels.slice(wave, wave + 30).map((label) => log.append(testEntry(label)).then(({ index }) => `${label} ${index}`)));
    writeSync(1, `${logged.join('\n')}\n`);
  }
  await log.close();
}

main().catch((error: unknown) => {
  writeSync(2, `${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
