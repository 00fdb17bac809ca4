import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../../../core/server/freePort';
import { testTemporal } from '../../support/testServer';

const CLI = resolve(__dirname, '../../../dist/tools/cli/main.js');

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** The directory it ran in (its WRIT_DATA_DIR is `data` there). */
  readonly dir: string;
}

const dirs: string[] = [];

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `writ ...args` as a real process from a temp directory of its own (so no project
 * writ.config.json applies), with no WRIT_ or TEMPORAL_ setting but WRIT_DATA_DIR and `env`.
 */
function writ(args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'writ-cli-errors-'));
  dirs.push(dir);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('WRIT_') && !name.startsWith('TEMPORAL_')) env[name] = value;
  Object.assign(env, { WRIT_DATA_DIR: join(dir, 'data') }, extraEnv);
  const started = Date.now();
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      done({ status, stdout, stderr, ms: Date.now() - started, dir });
    });
  });
}

/** The run failed with exactly one stderr line, `writ: <code>: ...`, and no stack trace. */
function expectOneLine(run: CliRun, code: string, status: number): string {
  expect({ status: run.status, stdout: run.stdout }).toEqual({ status, stdout: '' });
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^writ: ${code}: `));
  expect(run.stderr).not.toMatch(/^\s+at /m);
  return lines[0] ?? '';
}

describe('CLI errors: one line with a code, no stack trace', () => {
  describe('when nothing listens at the Temporal address', () => {
    const OPERATOR_COMMANDS: [string, string[]][] = [
      ['pending', ['pending']],
      ['approve', ['approve', 'wf-1']],
      ['deny', ['deny', 'wf-1']],
      ['revoke', ['revoke', 'wf-1', '--reason', 'drill']],
      ['halt', ['halt', '--reason', 'drill']],
      ['resume', ['resume', '--reason', 'drill']],
    ];
    const AUDIT_COMMANDS: [string, string[]][] = [
      ['audit export', ['audit', 'export', '--out', 'bundle.json', '--workflow-id', 'wf-1']],
      ['audit verify', ['audit', 'verify', '--no-replay', '--workflow-id', 'wf-1']],
    ];
    let address: string;
    // Every command waits out the connect timeout; they run side by side so the suite waits once.
    const runs = new Map<string, Promise<CliRun>>();
    const runOf = (name: string): Promise<CliRun> => {
      const run = runs.get(name);
      if (run === undefined) throw new Error(`no run for ${name}`);
      return run;
    };
    beforeAll(async () => {
      address = `127.0.0.1:${await findFreePort()}`;
      for (const [name, args] of OPERATOR_COMMANDS) runs.set(name, writ([...args, '--as', 'olivia', '-g', 'operators', '--address', address]));
      // The address from TEMPORAL_ADDRESS, as a profile would give it, for the audit commands.
      for (const [name, args] of AUDIT_COMMANDS) runs.set(name, writ(args, { TEMPORAL_ADDRESS: address }));
    });

    it.each(OPERATOR_COMMANDS.map(([name]) => name))('writ %s prints TEMPORAL_UNREACHABLE naming the address and the fix, exit 1, within the connect timeout', async (name) => {
      const run = await runOf(name);
      const line = expectOneLine(run, 'TEMPORAL_UNREACHABLE', 1);
      expect(line).toContain(address);
      expect(line).toContain('writ server');
      expect(line).toContain('TEMPORAL_ADDRESS');
      expect(line).toContain('--address');
      expect(run.ms).toBeLessThan(30_000);
    }, 60_000);

    it.each(AUDIT_COMMANDS.map(([name]) => name))('writ %s prints AUDIT_SOURCE_UNAVAILABLE naming the address, exit 2 (could not run)', async (name) => {
      const run = await runOf(name);
      const line = expectOneLine(run, 'AUDIT_SOURCE_UNAVAILABLE', 2);
      expect(line).toContain(address);
      expect(line).toContain('writ server');
      expect(existsSync(join(run.dir, 'bundle.json'))).toBe(false);
    }, 60_000);
  });

  describe('when there are no keys to export', () => {
    it('writ keys export refuses an empty key directory with KEY_NOT_FOUND, exit 1, printing no key set', async () => {
      const run = await writ(['keys', 'export']);
      const line = expectOneLine(run, 'KEY_NOT_FOUND', 1);
      expect(line).toContain(join(run.dir, 'data', 'keys'));
      expect(line).toContain('writ keys create');
    });

    it('writ keys export --out writes no file for a key directory that does not exist', async () => {
      const run = await writ(['keys', '--dir', 'no-such-keys', 'export', '--out', 'jwks.json']);
      expectOneLine(run, 'KEY_NOT_FOUND', 1);
      expect(existsSync(join(run.dir, 'jwks.json'))).toBe(false);
    });

    it('writ keys list still answers "no keys" and exits 0: an empty store is a state, not a mistake', async () => {
      const run = await writ(['keys', 'list']);
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: 'no keys\n', stderr: '' });
    });
  });

  describe('when the server does not know what the operator names', () => {
    const onTestServer = (): Record<string, string> => ({ TEMPORAL_ADDRESS: testTemporal().address, TEMPORAL_NAMESPACE: testTemporal().namespace });

    it.each([
      ['approve', ['approve', 'no-such-workflow']],
      ['deny', ['deny', 'no-such-workflow']],
      ['revoke', ['revoke', 'no-such-workflow', '--reason', 'drill']],
    ])('writ %s of an unknown workflow id prints WORKFLOW_NOT_FOUND naming it, exit 1', async (_name, args) => {
      const run = await writ([...args, '--as', 'olivia', '-g', 'operators'], onTestServer());
      const line = expectOneLine(run, 'WORKFLOW_NOT_FOUND', 1);
      expect(line).toContain('"no-such-workflow"');
      expect(line).toContain(testTemporal().namespace);
    });

    it('writ pending in a namespace the server lacks prints NAMESPACE_NOT_FOUND naming it, exit 1', async () => {
      const run = await writ(['pending', '--as', 'olivia', '-g', 'operators', '--namespace', 'no-such-namespace'], onTestServer());
      const line = expectOneLine(run, 'NAMESPACE_NOT_FOUND', 1);
      expect(line).toContain('"no-such-namespace"');
      expect(line).toContain('--namespace');
    });
  });
});
