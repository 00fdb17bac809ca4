import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signCheckpoint } from '../../../core/log/checkpoint/signCheckpoint';
import { leafHash } from '../../../core/log/merkle/hashes';
import { LogDirectory } from '../../../core/log/storage/logDirectory';
import { readLogKey } from '../../../core/log/storage/logKeyFile';

const CLI = resolve(__dirname, '../../../dist/tools/cli/main.js');

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'writ-log-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `writ ...args` in the test's directory, its WRIT_DATA_DIR `data` there, with `input` on stdin. */
function writ(args: string[], input?: string): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('WRIT_') && !name.startsWith('TEMPORAL_')) env[name] = value;
  env['WRIT_DATA_DIR'] = join(dir, 'data');
  return new Promise((done) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      done({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const run = await writ(args, input);
  expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: '' });
  return run.stdout;
}

/** The run failed with `writ: <code>: ...` as its first stderr line, exit 1, no stack trace. */
function expectRefused(run: CliRun, code: string): void {
  expect({ status: run.status, stdout: run.stdout, first: run.stderr.split('\n')[0] }).toEqual({ status: 1, stdout: '', first: expect.stringMatching(new RegExp(`^writ: ${code}: `)) });
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

const entry = (step: number, kind = 'artifact') => ({ v: 1, kind, runId: 'run-1', stepId: `writ-step-${step}`, evidence: `eyJhbGciOiJFZERTQSJ9.${Buffer.from(JSON.stringify({ step })).toString('base64url')}.c2ln` });

describe('writ log', () => {
  let logKey: string;
  let witnessKey: string;

  it('init, append, checkpoint, prove and verify: a proof an auditor checks with the log key alone', async () => {
    const created = JSON.parse(await ok(['log', 'init', '--origin', 'log.example/cli-test', '--json'])) as { verifierKey: string };
    logKey = created.verifierKey;
    expect(await ok(['log', 'key'])).toBe(`${logKey}\n`);
    writeFileSync(join(dir, 'first.json'), JSON.stringify([entry(1), entry(1, 'receipt'), entry(2)]));
    writeFileSync(join(dir, 'cp0'), await ok(['log', 'checkpoint']));
    expect(JSON.parse(await ok(['log', 'append', 'first.json', '--json']))).toEqual({ indices: [0, 1, 2], size: 3 });
    const checkpoint = await ok(['log', 'checkpoint']);
    expect(checkpoint.split('\n').slice(0, 2)).toEqual(['log.example/cli-test', '3']);
    writeFileSync(join(dir, 'cp1'), checkpoint);
    await ok(['log', 'prove', '1', '--out', 'receipt.tlog-proof', '--entry-out', 'receipt.entry']);
    expect(readFileSync(join(dir, 'receipt.tlog-proof'), 'utf8')).toMatch(/^c2sp\.org\/tlog-proof@v1\nindex 1\n/);
    // The auditor: no data directory, no private key, the log's verifier key only.
    expect(await ok(['log', '--log-key', logKey, '--dir', 'no-log-needed', 'verify', '--proof', 'receipt.tlog-proof', '--entry', 'receipt.entry'])).toBe('verified: entry 1 is in log.example/cli-test at size 3\n');
    expect(await ok(['log', 'verify'])).toBe('verified: 3 entries (2 artifact, 1 receipt) and 1 tiles lead to the checkpoint of log.example/cli-test\n');
  });

  it('consistency, a witness cosigning, the cosignature published, and a proof that needs 1 of 1 witnesses', async () => {
    witnessKey = (await ok(['log', 'witness', 'init', '--name', 'witness.example/cli-test', '--log', logKey])).trim();
    expect(await ok(['log', 'witness', 'key'])).toBe(`${witnessKey}\n`);
    const request = await ok(['log', 'consistency', 'cp0', '-']);
    expect(request.startsWith('old 0\n\nlog.example/cli-test\n3\n')).toBe(true);
    writeFileSync(join(dir, 'cosigned'), await ok(['log', 'witness', 'add-checkpoint'], request));
    await ok(['log', 'add-cosignatures', 'cosigned', '--witness', witnessKey]);
    await ok(['log', 'prove', '2', '--out', 'witnessed.tlog-proof', '--entry-out', 'witnessed.entry']);
    expect(await ok(['log', 'verify', '--proof', 'witnessed.tlog-proof', '--entry', 'witnessed.entry', '--witness', witnessKey, '--witnesses-required', '1'])).toBe(
      'verified: entry 2 is in log.example/cli-test at size 3, cosigned by witness.example/cli-test\n',
    );
    expectRefused(await writ(['log', 'verify', '--proof', 'receipt.tlog-proof', '--entry', 'receipt.entry', '--witness', witnessKey, '--witnesses-required', '1']), 'LOG_WITNESS_QUORUM');

    writeFileSync(join(dir, 'more.json'), JSON.stringify(entry(3)));
    await ok(['log', 'append', 'more.json']);
    const next = await ok(['log', 'consistency', 'cp1', '-']);
    expect(next.startsWith('old 3\n')).toBe(true);
    await ok(['log', 'witness', 'add-checkpoint'], next);
    // The witness now holds size 4: the older checkpoint is refused.
    expectRefused(await writ(['log', 'witness', 'add-checkpoint'], request), 'LOG_CHECKPOINT_OLDER');
  });

  describe('refusals, one line each with a stable code', () => {
    it('an entry the log does not have (LOG_ENTRY_NOT_FOUND), a proof for another entry (LOG_PROOF_INVALID)', async () => {
      expectRefused(await writ(['log', 'prove', '99']), 'LOG_ENTRY_NOT_FOUND');
      expectRefused(await writ(['log', 'verify', '--proof', 'receipt.tlog-proof', '--entry', 'witnessed.entry']), 'LOG_PROOF_INVALID');
    });

    it('an entry that is not evidence, before anything is written (LOG_ENTRY_INVALID)', async () => {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify([entry(9), { ...entry(10), args: { amountCents: 5 } }]));
      expectRefused(await writ(['log', 'append', 'bad.json']), 'LOG_ENTRY_INVALID');
      expect((await ok(['log', 'checkpoint'])).split('\n')[1]).toBe('4');
    });

    it('a second writer (LOG_LOCKED)', async () => {
      const held = await LogDirectory.open(join(dir, 'data', 'log'), readLogKey(join(dir, 'data', 'log.key')));
      try {
        expectRefused(await writ(['log', 'append', 'more.json']), 'LOG_LOCKED');
      } finally {
        held.close();
      }
    });

    it('a forked checkpoint signed by the log\'s own key (LOG_CHECKPOINT_INCONSISTENT)', async () => {
      writeFileSync(join(dir, 'fork'), signCheckpoint({ origin: 'log.example/cli-test', size: 3, root: leafHash(Buffer.from('another history')) }, readLogKey(join(dir, 'data', 'log.key'))));
      expectRefused(await writ(['log', 'consistency', 'fork', '-']), 'LOG_CHECKPOINT_INCONSISTENT');
      expectRefused(await writ(['log', 'consistency', 'cp1', 'cp0']), 'LOG_CHECKPOINT_OLDER');
    });

    it('a rewritten tile (LOG_CORRUPT), and no log at all (LOG_NOT_FOUND)', async () => {
      const tile = join(dir, 'data', 'log', 'tile', '0', '000.p', '4');
      const data = readFileSync(tile);
      data[5]! ^= 1;
      writeFileSync(tile, data);
      expectRefused(await writ(['log', 'verify']), 'LOG_CORRUPT');
      expectRefused(await writ(['log', '--dir', 'elsewhere', 'checkpoint']), 'LOG_NOT_FOUND');
    });
  });
});
