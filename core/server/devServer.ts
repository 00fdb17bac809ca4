import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { WritError } from '../errors/writError';
import { findTemporalCli } from './findTemporalCli';
import { findFreePort, isPortFree } from './freePort';
import { WRIT_DEFAULT_NAMESPACE } from './temporalTarget';
import { waitForServer } from './waitForServer';

/** The search attribute types the dev server can register at start. */
export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** How to run the embedded Temporal dev server. Only `dataDir` is required. */
export interface DevServerOptions {
  /** Holds `temporal.sqlite` (kept across restarts) and, by default, the server log. */
  readonly dataDir: string;
  /** Namespace created at start; defaults to `writ`. */
  readonly namespace?: string;
  /** Temporal CLI binary; when absent, `WRIT_TEMPORAL_CLI`, then Writ's pinned install, then `temporal` on PATH. */
  readonly cliPath?: string;
  /** Address the front end binds; defaults to 127.0.0.1 so nothing listens beyond this host. */
  readonly ip?: string;
  /** gRPC port; a free one is chosen when absent. */
  readonly port?: number;
  /** Web UI port; a free one is chosen when absent. Ignored when headless. */
  readonly uiPort?: number;
  /** Run without the Web UI. */
  readonly headless?: boolean;
  /** Custom search attributes to register, by name. */
  readonly searchAttributes?: Readonly<Record<string, SearchAttributeType>>;
  /** Server output goes here (appended); defaults to `<dataDir>/temporal-server.log`. */
  readonly logFile?: string;
  /** How long to wait for the server to answer; defaults to 30 s. */
  readonly readyTimeoutMs?: number;
  /**
   * Whether the server hands an activity scheduled by a workflow task back to the worker
   * that completed the task, in its answer (eager activity dispatch,
   * `system.enableActivityEagerExecution`), instead of through the task queue. Defaults to
   * `DEFAULT_EAGER_ACTIVITIES`.
   */
  readonly eagerActivities?: boolean;
}

/**
 * The embedded server dispatches activities eagerly unless told otherwise: measured side by
 * side (README, Benchmarks), it takes 13–19% of the server's CPU off every step, governed or
 * not, and no history or guarantee changes (an activity on another task queue, or with no
 * free slot on the worker, goes through its task queue as before).
 */
export const DEFAULT_EAGER_ACTIVITIES = true;

/** A running dev server. `stop()` is idempotent; the SQLite file survives it. */
export interface DevServer {
  /** `host:port` for `Connection.connect` / `NativeConnection.connect`. */
  readonly address: string;
  /** The namespace created at start. */
  readonly namespace: string;
  /** Web UI URL, or undefined when headless. */
  readonly uiUrl: string | undefined;
  /** The SQLite file holding every history; reuse the dataDir to keep them. */
  readonly dbFile: string;
  /** The server process's id. */
  readonly pid: number;
  /** The gRPC port, so a restart can come back on the same address. */
  readonly port: number;
  /** Where the server's output goes, for diagnosing a server that misbehaves. */
  readonly logFile: string;
  /** Stops the server (and waits for it to exit); calling it again does nothing. */
  stop(): Promise<void>;
}

const SEARCH_ATTRIBUTE_TYPES = ['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'] as const;
const Port = z.number().int().min(1).max(65535);

const DevServerOptionsSchema = z.strictObject({
  dataDir: z.string().min(1),
  namespace: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a namespace is letters, digits, ".", "_" or "-"')
    .optional(),
  cliPath: z.string().min(1).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  port: Port.optional(),
  uiPort: Port.optional(),
  headless: z.boolean().optional(),
  searchAttributes: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a search attribute name is an identifier'), z.enum(SEARCH_ATTRIBUTE_TYPES))
    .optional(),
  logFile: z.string().min(1).optional(),
  readyTimeoutMs: z.number().int().positive().optional(),
  eagerActivities: z.boolean().optional(),
});

const DEFAULT_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
// Free ports are only reserved until released, so a port we picked can be taken before the
// server binds it; that race is retried with fresh ports, never a port the caller chose.
const PORT_RACE_ATTEMPTS = 3;
const LOG_TAIL_LINES = 30;

/** Everything `launch` needs, resolved and validated once. */
interface LaunchPlan {
  readonly cli: string;
  readonly dbFile: string;
  readonly logFile: string;
  readonly namespace: string;
  readonly ip: string;
  readonly port: number;
  readonly uiPort: number | undefined;
  readonly searchAttributes: Readonly<Record<string, SearchAttributeType>>;
  readonly readyTimeoutMs: number;
  readonly eagerActivities: boolean;
}

/**
 * Starts `temporal server start-dev` with SQLite persistence in `dataDir` and resolves once
 * the server really answers for `namespace` with every requested search attribute in place.
 * Restarting with the same `dataDir` reopens the same SQLite file, so histories survive.
 * Throws `CONFIG_INVALID` for bad options, `TEMPORAL_CLI_NOT_FOUND` when there is no CLI, and
 * `TEMPORAL_SERVER_FAILED` (with the end of the server log) when it exits or never answers.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const parsed = DevServerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new WritError('CONFIG_INVALID', `invalid dev server options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  const valid = parsed.data;
  const cli = findTemporalCli(valid.cliPath === undefined ? {} : { configured: valid.cliPath });
  const dataDir = path.resolve(valid.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const ip = valid.ip ?? '127.0.0.1';
  const headless = valid.headless ?? false;
  const portsChosenHere = valid.port === undefined || (!headless && valid.uiPort === undefined);
  for (const [name, port] of [['port', valid.port], ['uiPort', headless ? undefined : valid.uiPort]] as const) {
    if (port !== undefined && !(await isPortFree(ip, port))) {
      throw new WritError(
        'TEMPORAL_SERVER_FAILED',
        `cannot start the Temporal dev server: ${name} ${port} on ${ip} is already in use (another server still running?)`,
      );
    }
  }

  for (let attempt = 1; ; attempt += 1) {
    const plan: LaunchPlan = {
      cli,
      dbFile: path.join(dataDir, 'temporal.sqlite'),
      logFile: path.resolve(valid.logFile ?? path.join(dataDir, 'temporal-server.log')),
      namespace: valid.namespace ?? WRIT_DEFAULT_NAMESPACE,
      ip,
      port: valid.port ?? (await findFreePort(ip)),
      uiPort: headless ? undefined : (valid.uiPort ?? (await findFreePort(ip))),
      searchAttributes: valid.searchAttributes ?? {},
      readyTimeoutMs: valid.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      eagerActivities: valid.eagerActivities ?? DEFAULT_EAGER_ACTIVITIES,
    };
    try {
      return await launch(plan);
    } catch (error) {
      const portRace = error instanceof WritError && /address already in use/i.test(error.message);
      if (!portsChosenHere || !portRace || attempt >= PORT_RACE_ATTEMPTS) {
        throw error;
      }
    }
  }
}

/** The `temporal server start-dev` command line; the log header records it verbatim. */
function startDevArgs(plan: LaunchPlan): string[] {
  const args = ['server', 'start-dev', '--db-filename', plan.dbFile, '--ip', plan.ip, '--port', String(plan.port)];
  args.push(...(plan.uiPort === undefined ? ['--headless'] : ['--ui-port', String(plan.uiPort)]));
  // The CLI always creates "default"; asking for it again is redundant.
  if (plan.namespace !== 'default') {
    args.push('--namespace', plan.namespace);
  }
  for (const [name, type] of Object.entries(plan.searchAttributes)) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  args.push('--dynamic-config-value', `system.enableActivityEagerExecution=${plan.eagerActivities}`);
  args.push('--log-level', 'warn');
  return args;
}

async function launch(plan: LaunchPlan): Promise<DevServer> {
  const args = startDevArgs(plan);
  fs.mkdirSync(path.dirname(plan.logFile), { recursive: true });
  // Each start appends, so a restart keeps the earlier log; the tail reads from here on.
  const logStart = fs.existsSync(plan.logFile) ? fs.statSync(plan.logFile).size : 0;
  fs.appendFileSync(plan.logFile, `--- writ: ${new Date().toISOString()} ${plan.cli} ${args.join(' ')}\n`);
  const logFd = fs.openSync(plan.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(plan.cli, args, { stdio: ['ignore', logFd, logFd] });
  } finally {
    fs.closeSync(logFd); // the child holds its own copy
  }
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not be run: ${error.message}`));
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${String(code)}`}`));
  });
  // If this process ends without stop(), do not leave an orphan server holding the ports.
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= terminate(child, exited).finally(() => process.removeListener('exit', killOnExit));
    return stopping;
  };

  const connectHost = plan.ip === '0.0.0.0' ? '127.0.0.1' : plan.ip === '::' ? '::1' : plan.ip;
  const host = connectHost.includes(':') ? `[${connectHost}]` : connectHost;
  const address = `${host}:${plan.port}`;
  try {
    await waitForServer({
      address,
      namespace: plan.namespace,
      searchAttributes: Object.keys(plan.searchAttributes),
      timeoutMs: plan.readyTimeoutMs,
      exited,
    });
  } catch (cause) {
    await stop();
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new WritError(
      'TEMPORAL_SERVER_FAILED',
      `the Temporal dev server (${plan.cli}) did not become ready at ${address}: ${reason}\n` +
        `last lines of ${plan.logFile}:\n${logTail(plan.logFile, logStart)}`,
      { cause },
    );
  }
  if (child.pid === undefined) {
    throw new WritError('TEMPORAL_SERVER_FAILED', 'the Temporal dev server answered but its process id is unknown');
  }
  return {
    address,
    namespace: plan.namespace,
    uiUrl: plan.uiPort === undefined ? undefined : `http://${host}:${plan.uiPort}`,
    dbFile: plan.dbFile,
    pid: child.pid,
    port: plan.port,
    logFile: plan.logFile,
    stop,
  };
}

/** SIGTERM, then SIGKILL if the server has not gone after the grace period. */
async function terminate(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    return;
  }
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace-over'>((resolve) => {
    timer = setTimeout(() => resolve('grace-over'), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([exited, graceOver]);
  clearTimeout(timer);
  if (outcome === 'grace-over') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** The last lines this start wrote to the log, for error messages. */
function logTail(logFile: string, from: number): string {
  try {
    const text = fs.readFileSync(logFile).subarray(from).toString('utf8');
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    return lines.slice(-LOG_TAIL_LINES).join('\n') || '(the log is empty)';
  } catch (error) {
    return `(could not read the log: ${(error as Error).message})`;
  }
}
