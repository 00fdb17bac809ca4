import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { APPROVE_UPDATE, PENDING_QUERY, type PendingApproval } from '../../../../core/protocol/operatorContract';
import { DevIdentityProvider } from '../../../../core/identity/devIdentityProvider';
import { readBundle } from '../../../../core/audit';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../../../support/governedTestEnv';
import { approvalBy } from '../../../support/operatorStatements';
import { testTemporal } from '../../../support/testServer';

// `writ audit export` puts the configured identity provider's keys into the bundle (here the
// development provider of the test's data directory), so approvals verify offline; and
// `--identity-keys` replaces them, as an auditor who trusts other keys would.

const CLI = resolve(__dirname, '../../../../dist/tools/cli/main.js');
const POLICIES = resolve(__dirname, '../../../../examples/policies');

let env: GovernedTestEnv;
let root: string;
let workflowId: string;

function writ(args: string[], settings: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const vars: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('WRIT_')) vars[name] = value;
  Object.assign(vars, settings);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, env: vars });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
  root = mkdtempSync(join(tmpdir(), 'writ-audit-cli-identity-'));
  env = await createGovernedTestEnv();
  const alice = await env.clientAs(TREASURER.principal, TREASURER.groups);
  workflowId = `audit-cli-approved-${Date.now()}`;
  const handle = await alice.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId, args: [{ fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 150_000 }] });
  let pending: PendingApproval | null = null;
  for (let i = 0; i < 200 && pending === null; i += 1) {
    pending = await handle.query<PendingApproval | null>(PENDING_QUERY);
    if (pending === null) await new Promise((r) => setTimeout(r, 50));
  }
  for (const approver of ['bob', 'carol'] as const) await handle.executeUpdate(APPROVE_UPDATE, { args: [await approvalBy(env.idp, approver, pending!)] });
  await handle.result();
}, 120_000);

afterAll(async () => {
  await env?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('when an approved transfer is exported with the development identity provider configured', () => {
  it('writes its keys into the bundle, which then verifies offline; other identity keys fail it', async () => {
    // The test environment's data directory holds the development provider (idp/jwks.json).
    const settings = { WRIT_DATA_DIR: env.dir, WRIT_KEYS_DIR: env.keyStore.directory, WRIT_POLICIES_DIR: POLICIES };
    const out = join(root, 'evidence.json');
    const { address, namespace } = testTemporal();
    const exported = await writ(['audit', 'export', '--workflow-id', workflowId, '--address', address, '--namespace', namespace, '--out', out], settings);
    expect({ status: exported.status, stderr: exported.stderr }).toEqual({ status: 0, stderr: '' });
    expect(exported.stdout).toContain('with identity provider writ-dev-idp (1 key(s))');
    expect(readBundle(out).identity).toEqual({ issuer: 'writ-dev-idp', audience: 'writ', jwks: env.idp.publicJwks() });

    const offline = { TEMPORAL_ADDRESS: '127.0.0.1:1' };
    // On the host whose evidence log the export proved the run's entries in, its log key
    // checks those proofs too.
    expect(readBundle(out).log?.entries.length).toBeGreaterThan(0);
    const verified = await writ(['audit', 'verify', '--bundle', out, '--no-replay'], { ...offline, WRIT_DATA_DIR: env.dir });
    expect({ status: verified.status, stderr: verified.stderr }).toEqual({ status: 0, stderr: '' });

    const other = DevIdentityProvider.open(join(root, 'other-idp'));
    await other.ensureKey();
    const otherKeys = join(root, 'other-jwks.json');
    writeFileSync(otherKeys, JSON.stringify(other.publicJwks()));
    const refused = await writ(['audit', 'verify', '--bundle', out, '--no-replay', '--identity-keys', otherKeys], offline);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/event \d+: APPROVAL_UNVERIFIED: expected an approval statement signed by writ-dev-idp \(audience writ-approval\), valid at .*, found IDENTITY_INVALID/);

    // Live, by workflow id: the configured provider is trusted the same way.
    const live = await writ(['audit', 'verify', '--workflow-id', workflowId, '--address', address, '--namespace', namespace, '--no-replay'], settings);
    expect({ status: live.status, stdout: live.stdout }).toEqual({ status: 0, stdout: expect.stringMatching(/^PASSED: 1 run\(s\)/m) });
  });
});
