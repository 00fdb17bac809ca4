// A log writer to be killed: `node appendChild.js <dir> <seed>`, with the log's private
// key in WRIT_TEST_LOG_KEY. It opens the log (recovering from the last kill), then appends
// batches of 1 to 64 entries forever, entry i always being testEntry(i), and reports on
// stdout, synchronously so nothing is lost to a kill: `begin <size>` before each append,
// `ack <size> <base64 checkpoint>` once it is acknowledged. With WRIT_TEST_LOG_SHARED=1 it
// opens the log as a worker process does, taking the lock per batch.
import { writeSync } from 'node:fs';
import { Ed25519NoteSigner } from '../../../../core/log/note/noteSigner';
import { LogDirectory } from '../../../../core/log/storage/logDirectory';
import { testEntry } from './evidence';

async function main(): Promise<void> {
  const [dir, seedText] = process.argv.slice(2);
  const key = Ed25519NoteSigner.fromPrivateKey(process.env['WRIT_TEST_LOG_KEY'] ?? '');
  let seed = Number(seedText) >>> 0;
  const random = () => {
    // mulberry32: a seeded stream, so a failing run can be replayed.
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // WRIT_TEST_LOG_SHARED: as a worker process opens it, the lock taken per batch.
  const log = process.env['WRIT_TEST_LOG_SHARED'] === '1' ? await LogDirectory.openShared(dir!, key, { lockTimeoutMs: 5_000, create: false }) : await LogDirectory.open(dir!, key);
  writeSync(1, `open ${log.size}\n`);
  for (;;) {
    const count = 1 + Math.floor(random() * 64);
    const from = log.size;
    writeSync(1, `begin ${from}\n`);
    const result = await log.append(Array.from({ length: count }, (_, i) => testEntry(from + i)));
    writeSync(1, `ack ${result.size} ${Buffer.from(result.checkpoint).toString('base64')}\n`);
  }
}

main().catch((error: unknown) => {
  writeSync(2, `${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
