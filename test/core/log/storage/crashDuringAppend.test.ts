import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { encodeEvidenceEntry } from '../../../../core/log/entries/evidenceEntry';
import { verifyTlogProof } from '../../../../core/log/proof/verifyTlogProof';
import { formatTlogProof } from '../../../../core/log/proof/tlogProof';
import { LogDirectory } from '../../../../core/log/storage/logDirectory';
import { LogReader, type PublishedCheckpoint } from '../../../../core/log/storage/logReader';
import { verifyLogContents } from '../../../../core/log/storage/verifyLogContents';
import { decodeEntryBundle } from '../../../../core/log/tiles/entryBundle';
import { parseTilePath } from '../../../../core/log/tiles/tilePath';
import { testEntry } from '../support/evidence';
import { testLogSigner, testPrivateKey } from '../support/testKeys';

// Kills a writer with SIGKILL at random points while it appends, again and again, and
// checks the directory after each kill: no torn file is visible, the log opens, every
// acknowledged entry is there with an inclusion proof that verifies against the
// checkpoint, and the checkpoint is consistent with every checkpoint acknowledged before.
const CHILD = resolve(__dirname, '../../../../dist/test/core/log/support/appendChild.js');
const ORIGIN = 'log.example/crash-test';
const ROUNDS = 12;
const SEED = Number(process.env['WRIT_CRASH_SEED'] ?? Date.now() % 2 ** 31);

let state = SEED >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

interface Round {
  readonly lines: string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Runs the child until it has acknowledged `acks` appends (0: until it has opened), then `delayMs` more, then SIGKILLs it. */
function killedRun(dir: string, seed: number, acks: number, delayMs: number, shared: boolean): Promise<Round> {
  return new Promise((done, fail) => {
    const env = { ...process.env, WRIT_TEST_LOG_KEY: testPrivateKey(ORIGIN, 0x01), WRIT_TEST_LOG_SHARED: shared ? '1' : '' };
    const child = spawn(process.execPath, [CHILD, dir, String(seed)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buffered = '';
    let stderr = '';
    let armed = false;
    const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      const acked = lines.filter((line) => line.startsWith('ack ')).length;
      if (!armed && (acks === 0 ? lines.length > 0 : acked >= acks)) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearTimeout(timeout);
      if (buffered !== '') lines.push(buffered);
      done({ lines, code, signal, stderr });
    });
  });
}

/** Every file under tile/ is whole: a tile holds width × 32 bytes, a bundle exactly width entries. Temporary files are not served. */
function expectNoTornFile(dir: string): void {
  const walk = (at: string): string[] => readdirSync(at, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(at, entry.name)) : [join(at, entry.name)]));
  if (!existsSync(join(dir, 'tile'))) return;
  for (const file of walk(join(dir, 'tile'))) {
    const path = relative(dir, file);
    if (/\/\.[^/]+\.tmp$/.test(path)) continue;
    const name = parseTilePath(path);
    expect({ path, known: name !== undefined }).toEqual({ path, known: true });
    const data = readFileSync(file);
    if (name!.level === 'entries') decodeEntryBundle(data, name!.width, path);
    else expect({ path, bytes: data.length }).toEqual({ path, bytes: name!.width * 32 });
  }
}

// Both ways of holding the directory: the writer's lifetime (writ log), and one batch at a
// time (worker processes sharing the log), where each batch reads the checkpoint back.
describe.each([
  ['holding the lock for its lifetime', false],
  ['taking the lock per batch', true],
])('a writer %s, killed during appends', (_how, shared) => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(`loses nothing acknowledged and shows no torn file, over ${ROUNDS} SIGKILLs at random points (seed ${SEED}: WRIT_CRASH_SEED replays it)`, async () => {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run \`npm run build\` (npm test does)`);
    const base = mkdtempSync(join(tmpdir(), 'writ-log-crash-'));
    dirs.push(base);
    const dir = join(base, 'log');
    const key = testLogSigner(ORIGIN);
    const checkpoints = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [key.verifierKey] });
    (await LogDirectory.create(dir, key)).close();
    const acknowledged: string[] = [];
    let acknowledgedSize = 0;
    let killedMidAppend = 0;
    let proofsVerified = 0;

    for (let round = 0; round < ROUNDS; round += 1) {
      // Most kills after a few acknowledged appends; some while the child is still opening (recovering).
      const acks = random() < 0.2 ? 0 : 1 + Math.floor(random() * 6);
      const run = await killedRun(dir, Math.floor(random() * 2 ** 31), acks, Math.floor(random() * 25), shared);
      expect({ round, signal: run.signal, stderr: run.stderr }).toEqual({ round, signal: 'SIGKILL', stderr: '' });
      for (const line of run.lines) {
        const [word, size, note] = line.split(' ');
        if (word === 'ack') {
          acknowledged.push(Buffer.from(note!, 'base64').toString('utf8'));
          acknowledgedSize = Number(size);
        }
      }
      if (run.lines.at(-1)?.startsWith('begin ')) killedMidAppend += 1;

      expectNoTornFile(dir);
      const log = await LogDirectory.open(dir, key);
      const size = log.size;
      log.close();
      expect(size).toBeGreaterThanOrEqual(acknowledgedSize);

      const reader = LogReader.forDirectory(dir, checkpoints);
      const latest = await reader.latest();
      for (const note of acknowledged) await reader.consistency(reader.verify(note), latest);
      const checked: PublishedCheckpoint = latest;
      for (let index = 0; index < acknowledgedSize; index += 1) {
        const { proof, entry } = await reader.prove(index, checked);
        expect(entry.equals(encodeEvidenceEntry(testEntry(index)))).toBe(true);
        verifyTlogProof(formatTlogProof(proof), entry, checkpoints);
        proofsVerified += 1;
      }
      await verifyLogContents(reader, latest);
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // The kills must have hit appends in flight, or this test proves little.
    expect(killedMidAppend).toBeGreaterThan(0);
    expect(acknowledgedSize).toBeGreaterThan(0);
    process.stdout.write(`crash test (${shared ? 'lock per batch' : 'lifetime lock'}): ${ROUNDS} kills (${killedMidAppend} mid-append), ${acknowledged.length} acknowledged appends, ${acknowledgedSize} entries, ${proofsVerified} inclusion proofs verified, seed ${SEED}\n`);
  }, 240_000);
});
