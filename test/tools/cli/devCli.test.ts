// `writ dev` as a process: it starts its own embedded Temporal dev server, the development
// OpenID provider, the console and the project's governed worker; the provider serves
// discovery and JWKS, the console sends operators to sign in there, a governed transfer
// started with `writ token`'s token runs on the worker that verifies identity through the
// JWKS URL (a token signed by another key is refused), and SIGINT stops all of it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { createWritClient } from '../../../core/client/createWritClient';
import { DevIdentityProvider } from '../../../core/identity/devIdentityProvider';
import { failureCode } from '../../support/failureCode';
import { HOST_POLICIES, HOST_WORKER_MODULE } from '../../support/writHosts';

const CLI = resolve(__dirname, '../../../dist/tools/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'writ-dev-cli-'));
let child: ChildProcess;
let stdout = '';
let stderr = '';

/** This environment without the test run's Temporal and Writ settings: `writ dev` starts its own server. */
function devEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const kept = name === 'WRIT_TEMPORAL_CLI' || name === 'TEMPORAL_CONFIG_FILE' || (!name.startsWith('WRIT_') && !name.startsWith('TEMPORAL_'));
    if (kept) env[name] = value;
  }
  return { ...env, WRIT_POLICIES_DIR: HOST_POLICIES };
}

/** The processes whose command line names this test's directory (the server, the CLI). */
function processesOfTestDir(): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(dir) && !line.includes('ps -eo'));
}

const printed = (pattern: RegExp): string | undefined => pattern.exec(stdout)?.[1];

beforeAll(async () => {
  writeFileSync(join(dir, 'writ.config.json'), '{}');
  child = spawn(process.execPath, [CLI, 'dev', '--module', HOST_WORKER_MODULE], { cwd: dir, env: devEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let i = 0; i < 1200 && !stdout.includes('writ dev: ready'); i += 1) {
    if (child.exitCode !== null) throw new Error(`writ dev exited ${child.exitCode}: ${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!stdout.includes('writ dev: ready')) throw new Error(`writ dev never became ready: ${stdout}\n${stderr}`);
}, 150_000);

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('writ dev', () => {
  it('serves the OpenID provider (discovery, JWKS with the development key) and the console, which sends operators to sign in there', async () => {
    const issuer = printed(/development OpenID provider at (http:\/\/127\.0\.0\.1:\d+)/)!;
    const jwksUrl = printed(/\(JWKS (http:\/\/127\.0\.0\.1:\d+\/jwks)\)/)!;
    const consoleUrl = printed(/Writ console at (http:\/\/localhost:\d+)/)!;
    expect(stdout).toContain(`identity through ${jwksUrl}`);

    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery).toMatchObject({ issuer, jwks_uri: jwksUrl });
    const served = (await (await fetch(jwksUrl)).json()) as { keys: { kid: string }[] };
    const published = JSON.parse(readFileSync(join(dir, '.writ', 'idp', 'jwks.json'), 'utf8')) as { keys: { kid: string }[] };
    expect(served.keys.map((key) => key.kid)).toEqual(published.keys.map((key) => key.kid));

    const home = await fetch(consoleUrl, { redirect: 'manual' });
    expect(home.status).toBe(303);
    const signIn = await fetch(`${consoleUrl}/sign-in`, { redirect: 'manual' });
    expect(new URL(signIn.headers.get('location')!).origin).toBe(issuer);
  });

  it("runs a governed transfer started with writ token's token, verified through the JWKS URL, and refuses a token signed by another key", async () => {
    const address = printed(/Temporal dev server at (127\.0\.0\.1:\d+)/)!;
    const minted = spawnSync(process.execPath, [CLI, 'token', 'alice', '-g', 'treasury', 'ops'], { cwd: dir, env: devEnv(), encoding: 'utf8' });
    expect(minted.status).toBe(0);
    const connection = await Connection.connect({ address });
    try {
      const client = createWritClient({ connection, namespace: 'writ', identityToken: minted.stdout.trim() });
      const transfer = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 300 };
      const handle = await client.workflow.start('transferFunds', { taskQueue: 'writ-governed', workflowId: `dev-cli-${Date.now()}`, args: [transfer] });
      await expect(handle.result()).resolves.toBeDefined();

      // Same issuer and audience, another key: the provider's JWKS does not hold it.
      const stranger = DevIdentityProvider.open(join(dir, 'stranger-idp'));
      const forged = createWritClient({ connection, namespace: 'writ', identityToken: await stranger.mintToken({ principal: 'alice', groups: ['treasury', 'ops'] }) });
      const refused = await forged.workflow.start('transferFunds', { taskQueue: 'writ-governed', workflowId: `dev-cli-forged-${Date.now()}`, args: [transfer] });
      expect(await failureCode(refused.result())).toBe('IDENTITY_INVALID');
    } finally {
      await connection.close();
    }
  }, 60_000);

  it('stops everything on SIGINT: exit 0, no process of its left, nothing listening', async () => {
    const issuer = printed(/development OpenID provider at (http:\/\/127\.0\.0\.1:\d+)/)!;
    const consoleUrl = printed(/Writ console at (http:\/\/localhost:\d+)/)!;
    expect(processesOfTestDir().length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/^writ: /m);
    expect(stdout).not.toContain('INFO');
    expect(processesOfTestDir()).toEqual([]);
    await expect(fetch(`${issuer}/jwks`)).rejects.toThrow();
    await expect(fetch(consoleUrl)).rejects.toThrow();
  }, 60_000);
});
