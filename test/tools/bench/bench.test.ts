import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_EAGER_ACTIVITIES } from '../../../core/server/devServer';

// The benchmark as users run it (`npm run bench -- ...` runs this file after a build).
// These tests check that it runs on tiny sizes and what it prints, never how fast
// anything is: performance is measured by the benchmark, not asserted by tests.
const BENCH = resolve(__dirname, '../../../dist/tools/bench/main.js');

/** The micro-benchmarks the README documents, in the order they are reported. */
const MICRO_NAMES = [
  'validate+decide',
  'mint',
  'authorize',
  'verify',
  'cedar-decide',
  'ed25519-sign',
  'ed25519-verify',
  'digest-small',
  'digest-64KiB',
  'identity-verify',
  'standing-check',
  'standing-check-postgres',
  'receipt-mint',
  'store-transfer',
  'store-revoke',
  'count-execution',
  'count-execution-postgres',
  'statement-use',
  'statement-use-postgres',
  'log-append-1',
  'log-append-16',
  'log-append-256',
  'log-append-shared-1',
  'evidence-log-1',
  'evidence-log-concurrent-64',
  'log-inclusion-verify',
  'log-proof-verify',
  'evidence-log-off-1',
  'evidence-log-1-postgres',
  'evidence-log-concurrent-64-postgres',
  'evidence-log-checkpoint-256-postgres',
];
const VARIANTS = ['ungoverned', 'two-activity', 'two-activity-same-bytes', 'governed', 'governed-local', 'governed-log-off', 'governed-postgres'];
const onPostgres = (name: string): boolean => name.endsWith('-postgres');

interface BenchRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function bench(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<BenchRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench did not finish in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** stdout must be exactly one JSON document; anything else fails here, with the output. */
function parseReport(run: BenchRun): Record<string, any> {
  expect({ code: run.code, stderrTail: run.code === 0 ? '' : run.stderr.slice(-2000) }).toEqual({ code: 0, stderrTail: '' });
  return JSON.parse(run.stdout) as Record<string, any>;
}

const TINY = ['--iterations', '20', '--warmup-iterations', '2', '--console-pending', '3', '--console-requests', '2'];

beforeAll(() => {
  if (!existsSync(BENCH)) throw new Error(`${BENCH} is missing: run \`npm run build\` (npm test does)`);
});

describe('npm run bench -- --json', () => {
  describe('when every section runs on tiny sizes', () => {
    let report: Record<string, any>;

    beforeAll(async () => {
      report = parseReport(await bench(['--json', '--workflows', '2', '--steps', '2', '--rounds', '1', '--warmup-workflows', '1', '--audit-steps', '10', ...TINY], 240_000));
    }, 250_000);

    it('names the document, the command that reproduces it, the machine and the versions', () => {
      expect(report['schema']).toBe('writ-bench/1');
      expect(report['command']).toBe('npm run bench -- --workflows 2 --steps 2 --warmup-workflows 1 --rounds 1 --audit-steps 10 --iterations 20 --warmup-iterations 2 --console-pending 3 --console-requests 2 --eager-activities on --json');
      expect(new Date(report['startedAt']).toISOString()).toBe(report['startedAt']);
      expect(report['machine']).toEqual({
        platform: expect.any(String),
        release: expect.any(String),
        arch: expect.any(String),
        cpuModel: expect.any(String),
        cpus: expect.any(Number),
        totalMemoryMiB: expect.any(Number),
        loadAverageAtStart: expect.any(Number),
      });
      for (const name of ['writ', 'node', 'v8', 'openssl', 'sqlite', 'temporalCli', 'temporalSdk', 'cedarWasm', 'cedar', 'jose', 'zod']) {
        expect([name, typeof report['versions'][name], report['versions'][name] === '']).toEqual([name, 'string', false]);
      }
      expect(report['config']).toEqual({ workflows: 2, steps: 2, warmupWorkflows: 1, rounds: 1, auditSteps: 10, iterations: 20, warmupIterations: 2, postgres: true, eagerActivities: DEFAULT_EAGER_ACTIVITIES, consolePending: 3, consoleRequests: 2 });
    });

    it('names the PostgreSQL it started for the PostgreSQL figures: durable, on loopback, with the configuration defaults', () => {
      expect(report['postgres']).toEqual({ status: 'measured', version: expect.stringMatching(/^\d+\.\d+/), durable: true, host: '127.0.0.1', poolSize: 4, queryTimeoutMs: 5000 });
    });

    it('reports every micro-benchmark with p50 <= p99 in microseconds', () => {
      const micro = report['micro'];
      expect(micro).toMatchObject({ status: 'measured', iterations: 20, warmupIterations: 2, passes: 5, argumentBytes: { small: expect.any(Number) } });
      expect(micro.argumentBytes.large).toBeGreaterThanOrEqual(64 * 1024);
      expect(micro.results.map((result: { name: string }) => result.name)).toEqual(MICRO_NAMES);
      for (const result of micro.results) {
        expect(result).toEqual({
          name: expect.any(String),
          description: expect.any(String),
          iterations: 20,
          p50Us: expect.any(Number),
          p99Us: expect.any(Number),
          meanUs: expect.any(Number),
          cpuUs: expect.any(Number),
          // The PostgreSQL server does the work of its cases: its CPU is reported with theirs, and only theirs.
          ...(onPostgres(result.name) ? { postgresCpuUs: expect.any(Number) } : {}),
        });
        expect(result.p50Us).toBeLessThanOrEqual(result.p99Us);
      }
    });

    it('reports the seven variants over the same N x K steps, and their ratios', () => {
      const e2e = report['e2e'];
      expect(e2e).toMatchObject({ status: 'measured', workflows: 2, stepsPerWorkflow: 2, warmupWorkflows: 1, rounds: 1 });
      expect(Object.keys(e2e.variants)).toEqual(VARIANTS);
      for (const name of VARIANTS) {
        const variant = e2e.variants[name];
        expect(variant).toEqual({
          steps: 4,
          seconds: expect.any(Number),
          stepsPerSecond: expect.any(Number),
          stepLatencyMs: { p50: expect.any(Number), p99: expect.any(Number), mean: expect.any(Number) },
          cpuMsPerStep: { bench: expect.any(Number), server: expect.anything(), postgres: expect.any(Number) },
          historyBytesPerStep: expect.any(Number),
        });
        expect(variant.stepsPerSecond).toBeGreaterThan(0);
        expect(variant.stepLatencyMs.p50).toBeLessThanOrEqual(variant.stepLatencyMs.p99);
      }
      expect(e2e.ratios).toEqual({
        governedOverTwoActivity: expect.any(Number),
        governedOverTwoActivitySameBytes: expect.any(Number),
        governedOverUngoverned: expect.any(Number),
        governedOverGovernedLogOff: expect.any(Number),
        governedLocalOverUngoverned: expect.any(Number),
        governedLocalOverTwoActivity: expect.any(Number),
        governedLocalOverGoverned: expect.any(Number),
        governedPostgresOverGoverned: expect.any(Number),
        governedPostgresOverTwoActivity: expect.any(Number),
      });
    });

    it('runs governed-postgres as the governed variant with only its store changed: the same history per step', () => {
      const { variants } = report['e2e'];
      // Its task queue's name is 9 characters longer, and it is in the artifact's bindings and the history's events.
      expect(Math.abs(variants['governed-postgres'].historyBytesPerStep / variants['governed'].historyBytesPerStep - 1)).toBeLessThan(0.05);
    });

    it('runs governed-local as the governed variant with authorization as a local activity: a marker instead of an activity\'s three events', () => {
      const { variants } = report['e2e'];
      // The request and result move into one marker; the scheduled, started and completed events and a workflow task go.
      expect(variants['governed-local'].historyBytesPerStep).toBeLessThan(variants['governed'].historyBytesPerStep);
      expect(variants['governed-local'].historyBytesPerStep).toBeGreaterThan(0.5 * variants['governed'].historyBytesPerStep);
    });

    it('runs governed-log-off as the governed variant with only the log turned off: the permit loses its log index, little else', () => {
      const { variants } = report['e2e'];
      expect(Math.abs(variants['governed-log-off'].historyBytesPerStep / variants['governed'].historyBytesPerStep - 1)).toBeLessThan(0.05);
    });

    it('measures the bytes a governed step carries, from a real artifact and receipt', () => {
      const sizes = report['e2e'].sameBytes;
      expect(sizes).toEqual({ authorizeRequestExtra: expect.any(Number), authorizeResult: expect.any(Number), artifact: expect.any(Number), receipt: expect.any(Number) });
      // Ids, task queue and a lineage link naming the previous artifact's digest; no credential.
      expect(sizes.authorizeRequestExtra).toBeGreaterThan(100);
      expect(sizes.authorizeRequestExtra).toBeLessThan(400);
      // A compact JWS each: the artifact (inside the authorize result, with its summary) and the receipt.
      expect(sizes.receipt).toBeGreaterThan(100);
      expect(sizes.artifact).toBeGreaterThan(sizes.receipt);
      expect(sizes.authorizeResult).toBeGreaterThan(sizes.artifact + 100);
    });

    it('makes two-activity-same-bytes record what a governed step records, and two-activity far less', () => {
      const { variants, sameBytes } = report['e2e'];
      const historyBytes = (name: string): number => variants[name].historyBytesPerStep;
      const carried = sameBytes.authorizeRequestExtra + sameBytes.authorizeResult + sameBytes.artifact + sameBytes.receipt;
      // What the same-bytes step adds to the two-activity step is what it was given to carry (give or take field names and framing).
      const added = historyBytes('two-activity-same-bytes') - historyBytes('two-activity');
      expect(added).toBeGreaterThan(0.9 * carried);
      expect(added).toBeLessThan(1.1 * carried);
      // Close to the governed step, which also pays once per workflow for its identity check
      // (the token and its start proof, the registration's answer, Writ's two patch markers):
      // at K = 2 that is a fifth of what a step carries.
      expect(Math.abs(historyBytes('two-activity-same-bytes') / historyBytes('governed') - 1)).toBeLessThan(0.2);
      expect(historyBytes('two-activity')).toBeLessThan(0.5 * historyBytes('governed'));
    });

    it('audits the governed history it left (at least --audit-steps steps) and finds nothing wrong with it', () => {
      // 2 measured + 1 warm-up governed workflows of 2 steps leave 6 steps; 2 more workflows reach 10.
      expect(report['audit']).toEqual({
        status: 'measured',
        runs: 5,
        steps: 10,
        artifactsVerified: 10,
        receiptsVerified: 10,
        passed: true,
        findings: 0,
        seconds: expect.any(Number),
        artifactsPerSecond: expect.any(Number),
        // 20 signatures: too few for threads, so the default uses none.
        signatureThreads: 0,
        cores: expect.any(Number),
        artifactsPerSecondPerCore: expect.any(Number),
        singleThread: { seconds: expect.any(Number), artifactsPerSecond: expect.any(Number), artifactsPerSecondPerCore: expect.any(Number) },
        sameVerdict: true,
        replay: false,
        target: 5000,
        met: report['audit'].artifactsPerSecond >= 5000,
      });
    });

    it('judges the targets of the issue, with the floor of each latency measured in the same run', () => {
      const floor = { value: expect.any(Number), of: expect.any(String) };
      const judged = { value: expect.any(Number), met: expect.any(Boolean) };
      expect(report['targets']).toEqual([
        { name: expect.stringMatching(/two-activity/), target: '>= 0.95', ...judged, floor: null },
        { name: expect.stringMatching(/^authorize .* p50/), target: '<= 80', ...judged, floor: { ...floor, of: 'cedar-decide p50 + ed25519-sign p50' } },
        { name: expect.stringMatching(/^authorize p99/), target: '<= 2', ...judged, floor: null },
        { name: expect.stringMatching(/verification p50/), target: '<= 60', ...judged, floor: { ...floor, of: 'ed25519-verify p50' } },
        { name: expect.stringMatching(/verification p99/), target: '<= 2', ...judged, floor: null },
        { name: expect.stringMatching(/^audit/), target: '>= 5000', ...judged, floor: null },
        { name: expect.stringMatching(/^governed-local .* ungoverned/), target: '>= 0.8', ...judged, floor: null },
      ]);
      const micro = report['micro'].results as { name: string; p50Us: number }[];
      const p50 = (name: string): number => micro.find((result) => result.name === name)!.p50Us;
      expect(report['targets'][1].floor.value).toBeCloseTo(p50('cedar-decide') + p50('ed25519-sign'), 1);
      expect(report['targets'][3].floor.value).toBe(p50('ed25519-verify'));
    });
  });

  describe('when the audit runs alone (--only audit)', () => {
    it('records just the governed history it verifies, and verifies it: no findings, the other sections skipped', async () => {
      const report = parseReport(await bench(['--json', '--only', 'audit', '--no-postgres', '--audit-steps', '4', '--steps', '2', '--workflows', '2'], 180_000));
      expect(report['audit']).toMatchObject({ status: 'measured', passed: true, findings: 0, sameVerdict: true, target: 5000 });
      expect(report['audit'].artifactsVerified).toBeGreaterThanOrEqual(4);
      expect(report['e2e']).toEqual({ status: 'skipped', reason: '--only audit' });
      expect(report['micro']).toEqual({ status: 'skipped', reason: '--only audit' });
    }, 190_000);
  });

  describe('when the console case runs alone', () => {
    it('times the pending page and its live list with the runs waiting, beside pending() and a static asset', async () => {
      const report = parseReport(await bench(['--json', '--only', 'console', '--no-postgres', '--console-pending', '3', '--console-requests', '2'], 180_000));
      const latency = { p50: expect.any(Number), p99: expect.any(Number), mean: expect.any(Number) };
      expect(report['console']).toEqual({ status: 'measured', pending: 3, requests: 2, warmupRequests: 1, page: latency, live: latency, pendingCall: latency, asset: latency });
      expect(report['console'].page.p50).toBeLessThanOrEqual(report['console'].page.p99);
      expect(report['mcp']).toEqual({ status: 'skipped', reason: '--only console' });
      expect(report['e2e']).toEqual({ status: 'skipped', reason: '--only console' });
    }, 190_000);
  });

  describe('when the MCP case runs alone', () => {
    it('measures an upstream tool call through writ mcp beside the same call made directly and a declared no-op, N × K calls each way', async () => {
      const report = parseReport(await bench(['--json', '--only', 'mcp', '--no-postgres', '--workflows', '2', '--steps', '2'], 120_000));
      const latency = { p50: expect.any(Number), p99: expect.any(Number), mean: expect.any(Number) };
      expect(report['mcp']).toEqual({
        status: 'measured', calls: 4, warmupCalls: 1, tool: 'read_text_file',
        direct: latency, governed: latency, declared: latency, overheadP50Ms: expect.any(Number), upstreamOverDeclaredP50Ms: expect.any(Number),
      });
      expect(report['mcp'].overheadP50Ms).toBeCloseTo(report['mcp'].governed.p50 - report['mcp'].direct.p50, 1);
      expect(report['mcp'].upstreamOverDeclaredP50Ms).toBeCloseTo(report['mcp'].governed.p50 - report['mcp'].declared.p50, 1);
      expect(report['e2e']).toEqual({ status: 'skipped', reason: '--only mcp' });
      expect(report['micro']).toEqual({ status: 'skipped', reason: '--only mcp' });
    }, 130_000);
  });

  describe('when a saved report is rendered (--render)', () => {
    it('prints the command and the tables of that run, its figures included, measuring nothing', async () => {
      const saved = await bench(['--json', '--only', 'micro', '--no-postgres', ...TINY], 120_000);
      const report = parseReport(saved);
      const file = join(mkdtempSync(join(tmpdir(), 'writ-bench-')), 'report.json');
      writeFileSync(file, saved.stdout);
      const rendered = await bench(['--render', file], 30_000);
      expect({ code: rendered.code, stderr: rendered.stderr }).toEqual({ code: 0, stderr: '' });
      expect(rendered.stdout.split('\n')[0]).toBe(report['command']);
      const verify = report['micro'].results.find((result: { name: string }) => result.name === 'verify');
      expect(rendered.stdout).toContain(`| \`verify\` | ${verify.p50Us} | ${verify.p99Us} |`);
      expect(rendered.stdout).toMatch(/\| target \| wanted \| this run \|/);
    }, 160_000);

    it('refuses a file that is not a bench report with CONFIG_INVALID', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'writ-bench-')), 'other.json');
      writeFileSync(file, JSON.stringify({ schema: 'something-else' }));
      const run = await bench(['--render', file], 30_000);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^writ-bench: CONFIG_INVALID: --render .*not a report of schema writ-bench\/1/m);
    }, 40_000);
  });

  describe('when only the micro-benchmarks run', () => {
    it('marks the end-to-end section skipped and leaves its target unjudged', async () => {
      const report = parseReport(await bench(['--json', '--only', 'micro', ...TINY], 120_000));
      expect(report['e2e']).toEqual({ status: 'skipped', reason: '--only micro' });
      expect(report['audit']).toEqual({ status: 'skipped', reason: '--only micro' });
      expect(report['mcp']).toEqual({ status: 'skipped', reason: '--only micro' });
      expect(report['targets'][0]).toMatchObject({ value: null, met: null });
      expect(report['targets'][5]).toMatchObject({ value: null, met: null });
      expect(report['targets'][6]).toMatchObject({ value: null, met: null });
      expect(report['targets'][3]).toMatchObject({ value: expect.any(Number), met: expect.any(Boolean) });
      expect(report['micro'].status).toBe('measured');
    }, 130_000);
  });

  describe('when run with --no-postgres', () => {
    it('measures the SQLite store only, and says PostgreSQL was left out', async () => {
      const report = parseReport(await bench(['--json', '--only', 'micro', '--no-postgres', ...TINY], 120_000));
      expect(report['command']).toMatch(/ --no-postgres /);
      expect(report['config'].postgres).toBe(false);
      expect(report['postgres']).toEqual({ status: 'skipped', reason: '--no-postgres' });
      expect(report['micro'].results.map((result: { name: string }) => result.name)).toEqual(MICRO_NAMES.filter((name) => !onPostgres(name)));
    }, 130_000);
  });

  describe('when PostgreSQL is not installed', () => {
    it('fails with CONFIG_INVALID before measuring anything, naming --no-postgres, rather than leaving the PostgreSQL figures out', async () => {
      const run = await bench(['--json', '--only', 'micro', ...TINY], 30_000, { WRIT_POSTGRES_BIN: '/nonexistent/postgresql/bin' });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^writ-bench: CONFIG_INVALID: WRIT_POSTGRES_BIN=\/nonexistent\/postgresql\/bin does not hold initdb/m);
      expect(run.stderr).toMatch(/--no-postgres/);
      expect(run.stderr).not.toMatch(/bench: micro/);
    }, 40_000);
  });

  describe('when an option is out of range', () => {
    it('fails with CONFIG_INVALID before measuring anything, and prints nothing on stdout', async () => {
      const run = await bench(['--json', '--workflows', '0', '--steps', 'many'], 30_000);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/CONFIG_INVALID/);
      expect(run.stderr).toMatch(/--workflows/);
      expect(run.stderr).toMatch(/--steps/);
    }, 40_000);
  });
});
