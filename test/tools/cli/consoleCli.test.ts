import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testTemporal } from '../../support/testServer';

const CLI = resolve(__dirname, '../../../dist/tools/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'writ-console-cli-'));
let child: ChildProcess;
let stdout = '';

/** Starts `writ console` against the test server and waits for the lines it prints. */
async function startConsoleCommand(): Promise<{ consoleUrl: string; providerUrl: string }> {
  const { address, namespace } = testTemporal();
  child = spawn(process.execPath, [CLI, 'console', '--port', '0'], { env: { ...process.env, WRIT_DATA_DIR: dir, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let i = 0; i < 200; i += 1) {
    const consoleUrl = /Writ console at (http:\/\/localhost:\d+)/.exec(stdout)?.[1];
    const providerUrl = /development OpenID provider (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    if (consoleUrl !== undefined && providerUrl !== undefined) return { consoleUrl, providerUrl };
    if (child.exitCode !== null) throw new Error(`writ console exited ${child.exitCode}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`writ console printed no URL: ${stdout} ${stderr}`);
}

afterAll(async () => {
  if (child !== undefined && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('writ console', () => {
  it('serves on loopback and sends an operator without a session to sign in at the development provider', async () => {
    const { consoleUrl, providerUrl } = await startConsoleCommand();
    expect(stdout).toContain('as: bob, carol, dave, olivia, alice');
    const home = await fetch(consoleUrl, { redirect: 'manual' });
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/sign-in?returnTo=%2F');
    const signIn = await fetch(`${consoleUrl}/sign-in`, { redirect: 'manual' });
    const authorization = new URL(signIn.headers.get('location')!);
    expect(authorization.origin).toBe(providerUrl);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${consoleUrl}/auth/callback`);
    expect(signIn.headers.get('set-cookie')).toMatch(/^writ_sign_in=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
  });

  it('stops on SIGTERM', async () => {
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
  });
});
