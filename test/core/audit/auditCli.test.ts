import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../../support/governedTestEnv';
import { testTemporal } from '../../support/testServer';

// `writ audit` as an auditor types it, as a real process (the built CLI): offline against
// the committed cases, and export from the live test server followed by an offline verify.

const CLI = resolve(__dirname, '../../../dist/tools/cli/main.js');
// The examples' workflows module as built: what `--workflows` names for their histories.
const EXAMPLE_WORKFLOWS_BUILT = resolve(__dirname, '../../../dist/examples/workflows.js');
const FIXTURES = resolve(__dirname, '../../fixtures/audit');
const POLICIES = resolve(__dirname, '../../../examples/policies');

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let root: string;

/** Runs `writ ...args` from a temp directory with only the given Writ settings (no config file applies). */
function writ(args: string[], settings: Record<string, string> = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('WRIT_')) env[name] = value;
  Object.assign(env, { WRIT_DATA_DIR: join(root, 'data') }, settings);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
  root = mkdtempSync(join(tmpdir(), 'writ-audit-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Offline runs are pointed at an address where nothing listens: they must not need it.
const NO_SERVER = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

describe('writ audit verify --bundle (offline, no server)', () => {
  it('exits 0 on a clean bundle, replaying it against the example workflows', async () => {
    const run = await writ(['audit', 'verify', '--bundle', join(FIXTURES, 'clean-transfer/bundle.json'), '--workflows', EXAMPLE_WORKFLOWS_BUILT, '--json'], NO_SERVER);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const verdict = JSON.parse(run.stdout) as { passed: boolean; runs: { replay: string; findings: unknown[] }[] };
    expect(verdict.passed).toBe(true);
    expect(verdict.runs.map((r) => [r.replay, r.findings.length])).toEqual([['passed', 0]]);
  });

  it('exits 1 on a tampered bundle and names each finding by event, code, expected and found', async () => {
    const run = await writ(['audit', 'verify', '--bundle', join(FIXTURES, 'changed-argument_fail/bundle.json'), '--no-replay'], NO_SERVER);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/event \d+: ARTIFACT_BINDING_MISMATCH: expected argsDigest sha256:[0-9a-f]{64} \(recomputed from event \d+\), found argsDigest sha256:[0-9a-f]{64}/);
    expect(run.stdout).toMatch(/^FAILED: 1 run\(s\)/m);
  });

  it('exits 2, with the code, when the bundle cannot be read', async () => {
    const run = await writ(['audit', 'verify', '--bundle', join(root, 'missing.json'), '--no-replay']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^writ: EVIDENCE_UNREADABLE: /);
  });

  it('exits 2 when replay is asked for without the workflow code', async () => {
    const run = await writ(['audit', 'verify', '--bundle', join(FIXTURES, 'clean-transfer/bundle.json')], NO_SERVER);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^writ: AUDIT_OPTIONS_INVALID: replay needs the workflow code/);
  });

  it('exits 2 when no source is named', async () => {
    const run = await writ(['audit', 'verify']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^writ: AUDIT_OPTIONS_INVALID: /);
  });
});

describe('writ audit export, then verify the bundle offline', () => {
  let env: GovernedTestEnv;
  let workflowId: string;
  beforeAll(async () => {
    env = await createGovernedTestEnv();
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    workflowId = `audit-cli-${Date.now()}`;
    await (await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId, args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 4_200 }] })).result();
  });
  afterAll(async () => env?.close());

  it('exports the run with the authorization and receipt keys and the policies, and the bundle verifies with no server', async () => {
    const settings = { WRIT_KEYS_DIR: env.keyStore.directory, WRIT_RECEIPT_KEYS_DIR: env.receiptKeyStore.directory, WRIT_POLICIES_DIR: POLICIES };
    const out = join(root, 'evidence.json');
    const { address, namespace } = testTemporal();
    const exported = await writ(['audit', 'export', '--workflow-id', workflowId, '--address', address, '--namespace', namespace, '--out', out], settings);
    expect({ status: exported.status, stderr: exported.stderr }).toEqual({ status: 0, stderr: '' });
    expect(exported.stdout).toMatch(/wrote 1 run\(s\), 2 key\(s\) and 1 policy set\(s\)/);

    // Offline: no address, no key store, no policies directory; only the file.
    const verified = await writ(['audit', 'verify', '--bundle', out, '--workflows', EXAMPLE_WORKFLOWS_BUILT, '--json'], NO_SERVER);
    expect({ status: verified.status, stderr: verified.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(verified.stdout)).toMatchObject({ passed: true, artifactsVerified: 1, receiptsVerified: 1, keysUsed: [env.signer.kid, env.receiptKeyStore.list()[0]!.kid].sort() });

    // Live, by workflow id, with the same verdict.
    const live = await writ(['audit', 'verify', '--workflow-id', workflowId, '--address', address, '--namespace', namespace, '--no-replay'], settings);
    expect(live.status).toBe(0);
    expect(live.stdout).toMatch(/^PASSED: 1 run\(s\), 1 artifact\(s\) and 1 receipt\(s\) verified, 0 finding\(s\)/m);
  });
});
