// Hosts as processes: each a directory of its own with its writ.config.json and keys,
// running `writ` commands and `writ worker` processes from the build, against the test
// server. Used by the tests that split Writ across hosts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { testTemporal } from './testServer';

/** The built `writ` command. */
export const WRIT_CLI = resolve(__dirname, '../../dist/tools/cli/main.js');
/** The worker module the hosts run (`writ worker --module`). */
export const HOST_WORKER_MODULE = resolve(__dirname, '../../dist/test/support/cliWorker.js');
/** The example policy set every host decides under. */
export const HOST_POLICIES = resolve(__dirname, '../../examples/policies');

/** What a finished `writ` command printed. */
export interface WritRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The hosts of one test file under `root`, the processes they run, and the environment
 * each gets: the test server, the example policies and `extraEnv`, no other WRIT_* or
 * TEMPORAL_* setting of the test process.
 */
export class WritHosts {
  private readonly children: ChildProcess[] = [];

  constructor(
    readonly root: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    for (const file of [WRIT_CLI, HOST_WORKER_MODULE]) if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` (npm test does)`);
  }

  /** Makes the directory of host `name` with its writ.config.json. */
  host(name: string, config: Record<string, unknown>): string {
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'writ.config.json'), JSON.stringify(config));
    return dir;
  }

  env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('WRIT_') && !name.startsWith('TEMPORAL_')) env[name] = value;
    const { address, namespace } = testTemporal();
    return { ...env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, WRIT_POLICIES_DIR: HOST_POLICIES, ...this.extraEnv };
  }

  /** Runs `writ ...args` in `cwd` and waits for it. */
  writ(cwd: string, ...args: string[]): WritRun {
    const run = spawnSync(process.execPath, [WRIT_CLI, ...args], { cwd, env: this.env(), encoding: 'utf8', timeout: 60_000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  /** `writ(...)`, expecting exit 0 and nothing on stderr; returns stdout. */
  writOk(cwd: string, ...args: string[]): string {
    const run = this.writ(cwd, ...args);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    return run.stdout;
  }

  /** Starts `writ worker ...args` in `cwd`; resolves with its first line once it serves. */
  async startWorker(cwd: string, ...args: string[]): Promise<string> {
    const child = spawn(process.execPath, [WRIT_CLI, 'worker', '--module', HOST_WORKER_MODULE, ...args], { cwd, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let output = '';
    return new Promise((resolveServing, reject) => {
      const timer = setTimeout(() => reject(new Error(`writ worker in ${cwd} not serving after 60 s:\n${output}`)), 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((text) => text.startsWith('writ worker: serving'));
        if (line !== undefined) {
          clearTimeout(timer);
          resolveServing(line);
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`writ worker in ${cwd} exited with ${code}:\n${output}`));
      });
    });
  }

  /** Stops every worker process started here (SIGTERM, then waits for each). */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
        child.kill('SIGTERM');
        await exited;
      }),
    );
  }
}

/** The private key files under `dir`, relative to it. */
export function privateKeyFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.private.jwk.json'));
}
