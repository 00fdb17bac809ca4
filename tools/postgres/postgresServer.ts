import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { findFreePort } from '../../core/server/freePort';
import { findPostgresBin, type PostgresTool } from './findPostgresBin';
import { asOwner, serverOwner, type ServerOwner } from './serverOwner';

// A real PostgreSQL for tests: a throw-away cluster (initdb) in a temporary directory, on a
// free loopback port, started and stopped with pg_ctl. Nothing here depends on jest, so a
// script outside jest (a multi-process test's driver) can start one the same way.

/**
 * A directory the clusters of one test run are made under; jest's global set-up sets it
 * and its teardown stops whatever a crashed test file left running there.
 */
export const POSTGRES_ROOT_ENV = 'WRIT_TEST_POSTGRES_ROOT';
const SUPERUSER = 'writ';
const HOST = '127.0.0.1';
const PG_CTL_TIMEOUT_SECONDS = 30;
const PORT_RACE_ATTEMPTS = 3;
const LOG_TAIL_LINES = 20;
const run = promisify(execFile);

/** How to start a test cluster. Everything is optional. */
export interface PostgresServerOptions {
  /**
   * Keep fsync and full-page writes on. Off by default: a test cluster is thrown away, and
   * flushing to disk costs seconds per file. Commits still reach the kernel before they
   * return either way, so a server killed (`stop('immediate')`) keeps every committed row;
   * only a crash of the machine itself would lose them without this.
   */
  readonly durable?: boolean;
  /** The directory holding initdb, pg_ctl and postgres (default: findPostgresBin()). */
  readonly binDir?: string;
}

/** How a running cluster is stopped. */
export type PostgresStopMode =
  /** Ends client sessions (they see their connection terminated), then shuts down cleanly. */
  | 'fast'
  /** Kills every server process without a shutdown checkpoint, as a crash would. */
  | 'immediate';

/** A running test cluster. Its port and data survive stop() and start(). */
export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** The superuser the URLs log in as (password authentication over TCP). */
  readonly user: string;
  readonly password: string;
  /** The `postgres` maintenance database's URL; tests use createDatabase() instead. */
  readonly url: string;
  /** The temporary directory holding the data directory, the socket and the log. */
  readonly root: string;
  readonly logFile: string;
  /** Whether the server is running (as far as this handle's own stop() and start() know). */
  readonly running: boolean;
  /** The postmaster's process id (from postmaster.pid) while the server runs, else undefined. */
  readonly pid: number | undefined;
  /** The URL of `database` on this server (whether or not it exists). */
  urlFor(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server, by default `fast`; the data directory stays for start(). */
  stop(mode?: PostgresStopMode): Promise<void>;
  /** Starts the stopped server again, on the same port and data. */
  start(): Promise<void>;
  /**
   * Freezes every server process (SIGSTOP), as a hung host would: connections stay open,
   * new ones are accepted by the kernel, and nothing answers until resume().
   */
  pause(): Promise<void>;
  /** Lets a paused server go on (SIGCONT), with every connection it had. */
  resume(): Promise<void>;
  /**
   * Stops the server and removes its directory (kept, stopped, when WRIT_KEEP_TEST_DATA=1).
   * Idempotent; also done at process exit for a server nobody destroyed.
   */
  destroy(): Promise<void>;
}

/**
 * Creates a throw-away cluster and starts it: initdb in a fresh temporary directory
 * (password authentication for TCP, loopback only, the socket in that directory), a free
 * port, pg_ctl start. When this process is root, the server's files and processes belong
 * to the `postgres` system user. Resolves once the server accepts connections.
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binDir = options.binDir ?? findPostgresBin();
  const owner = serverOwner();
  const parent = process.env[POSTGRES_ROOT_ENV] ?? os.tmpdir();
  const root = fs.mkdtempSync(path.join(parent, 'writ-pg-'));
  const cluster = new Cluster(binDir, owner, root, randomBytes(18).toString('base64url'), options.durable ?? false);
  register(cluster);
  try {
    await cluster.initialise();
    await cluster.startOnFreePort();
    return cluster;
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}

/**
 * Stops every cluster still running under `parent` and removes `parent` (unless `keep`), for
 * jest's global teardown: a test file whose worker died (a timeout, a crash) cannot clean
 * up after itself. Returns the data directories it had to stop.
 */
export function sweepPostgresServers(parent: string, { keep = false }: { keep?: boolean } = {}): string[] {
  const stopped: string[] = [];
  if (!fs.existsSync(parent)) return stopped;
  for (const entry of fs.readdirSync(parent)) {
    const dataDir = path.join(parent, entry, 'data');
    if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
      stopSync(findPostgresBin(), serverOwner(), dataDir);
      stopped.push(dataDir);
    }
  }
  if (!keep) fs.rmSync(parent, { recursive: true, force: true });
  return stopped;
}

class Cluster implements PostgresServer {
  readonly host = HOST;
  readonly user = SUPERUSER;
  readonly logFile: string;
  port = 0;
  running = false;
  private readonly dataDir: string;
  private destroyed = false;

  constructor(
    private readonly binDir: string,
    private readonly owner: ServerOwner,
    readonly root: string,
    readonly password: string,
    private readonly durable: boolean,
  ) {
    this.dataDir = path.join(root, 'data');
    this.logFile = path.join(root, 'postgres.log');
  }

  get url(): string {
    return this.urlFor('postgres');
  }

  get pid(): number | undefined {
    return postmasterPid(this.dataDir);
  }

  urlFor(database: string): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.password)}@${HOST}:${this.port}/${encodeURIComponent(database)}`;
  }

  async createDatabase(name: string): Promise<string> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
      throw new Error(`database name ${JSON.stringify(name)}: use lower-case letters, digits and _ (at most 63), starting with a letter or _`);
    }
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.urlFor(name);
  }

  async initialise(): Promise<void> {
    if (this.owner.runAs !== undefined) fs.chownSync(this.root, this.owner.runAs.uid, this.owner.runAs.gid);
    const pwfile = path.join(this.root, 'pwfile');
    fs.writeFileSync(pwfile, `${this.password}\n`, { mode: 0o600 });
    if (this.owner.runAs !== undefined) fs.chownSync(pwfile, this.owner.runAs.uid, this.owner.runAs.gid);
    try {
      await this.pg('initdb', [
        '--pgdata', this.dataDir,
        '--username', SUPERUSER,
        '--pwfile', pwfile,
        '--auth-host', 'scram-sha-256',
        // The socket directory is this cluster's own, readable by its owner alone.
        '--auth-local', 'trust',
        '--encoding', 'UTF8',
        '--locale', 'C',
        // A throw-away cluster need not be flushed to disk; saves most of initdb's time.
        '--no-sync',
        '--no-instructions',
      ]);
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
    fs.appendFileSync(path.join(this.dataDir, 'postgresql.conf'), "\n# Writ's test settings\ninclude 'writ-test.conf'\n");
  }

  /** Starts on a free port, trying fresh ports when another process takes the chosen one first. */
  async startOnFreePort(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      this.port = await findFreePort(HOST);
      this.writeSettings();
      try {
        await this.start();
        return;
      } catch (error) {
        const portRace = /address already in use/i.test((error as Error).message);
        if (!portRace || attempt >= PORT_RACE_ATTEMPTS) throw error;
      }
    }
  }

  async start(): Promise<void> {
    if (this.destroyed) throw new Error(`the PostgreSQL test server in ${this.root} was destroyed`);
    if (this.running) return;
    await this.pg('pg_ctl', ['start', '--pgdata', this.dataDir, '--log', this.logFile, '--wait', '--timeout', String(PG_CTL_TIMEOUT_SECONDS), '--silent']);
    this.running = true;
  }

  async stop(mode: PostgresStopMode = 'fast'): Promise<void> {
    if (!this.running) return;
    await this.pgStop(mode);
    this.running = false;
  }

  async pause(): Promise<void> {
    if (!this.running) throw new Error(`the PostgreSQL test server in ${this.root} is not running`);
    signalServer(this.dataDir, 'SIGSTOP');
  }

  async resume(): Promise<void> {
    signalServer(this.dataDir, 'SIGCONT');
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    unregister(this);
    try {
      signalServer(this.dataDir, 'SIGCONT'); // a paused server would not hear pg_ctl
      // immediate: nothing in a throw-away cluster is worth a shutdown checkpoint.
      if (this.running || fs.existsSync(path.join(this.dataDir, 'postmaster.pid'))) await this.pgStop('immediate');
    } finally {
      this.running = false;
      this.removeDirectory();
    }
  }

  /** At process exit, synchronously: stop the server and remove its directory. */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (fs.existsSync(path.join(this.dataDir, 'postmaster.pid'))) stopSync(this.binDir, this.owner, this.dataDir);
    this.removeDirectory();
  }

  private async pgStop(mode: PostgresStopMode): Promise<void> {
    await this.pg('pg_ctl', ['stop', '--pgdata', this.dataDir, '--mode', mode, '--wait', '--timeout', String(PG_CTL_TIMEOUT_SECONDS), '--silent']);
  }

  private removeDirectory(): void {
    if (process.env['WRIT_KEEP_TEST_DATA'] === '1') {
      process.stderr.write(`writ: PostgreSQL test cluster kept (stopped) in ${this.root}\n`);
      return;
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private writeSettings(): void {
    const settings: Record<string, string | number> = {
      listen_addresses: HOST,
      port: this.port,
      unix_socket_directories: this.root,
      shared_buffers: '32MB',
      max_connections: 200,
      ...(this.durable ? {} : { fsync: 'off', full_page_writes: 'off' }),
    };
    const lines = Object.entries(settings).map(([name, value]) => `${name} = ${typeof value === 'number' ? value : `'${value}'`}`);
    const file = path.join(this.dataDir, 'writ-test.conf');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    if (this.owner.runAs !== undefined) fs.chownSync(file, this.owner.runAs.uid, this.owner.runAs.gid);
  }

  /** Runs one of the server's binaries as its owner; a failure carries its output and the log's end. */
  private async pg(tool: PostgresTool, args: readonly string[]): Promise<void> {
    const [command, argv] = asOwner(this.owner, path.join(this.binDir, tool), args);
    try {
      await run(command, argv, { cwd: this.root, encoding: 'utf8' });
    } catch (error) {
      const failed = error as Error & { stdout?: string; stderr?: string };
      const output = `${failed.stderr ?? ''}${failed.stdout ?? ''}`.trim();
      throw new Error(
        `${tool} failed for the PostgreSQL test server in ${this.root}: ${output || failed.message}\n` +
          `last lines of ${this.logFile}:\n${logTail(this.logFile)}`,
        { cause: error },
      );
    }
  }
}

/**
 * Sends `signal` to the server of `dataDir` (the postmaster named in postmaster.pid) and to
 * every process it started. Nothing to do when it is not running.
 */
function signalServer(dataDir: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
  const postmaster = postmasterPid(dataDir);
  if (postmaster === undefined) return;
  const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line !== '').map(Number);
  // The postmaster first when stopping, so it forks nothing new; last when resuming.
  const order = signal === 'SIGSTOP' ? [postmaster, ...children] : [...children, postmaster];
  for (const pid of order) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

/** The process id on postmaster.pid's first line; undefined when the server of `dataDir` is not running. */
function postmasterPid(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function stopSync(binDir: string, owner: ServerOwner, dataDir: string): void {
  signalServer(dataDir, 'SIGCONT'); // a paused server would not hear pg_ctl
  const [command, argv] = asOwner(owner, path.join(binDir, 'pg_ctl'), ['stop', '--pgdata', dataDir, '--mode', 'immediate', '--wait', '--timeout', String(PG_CTL_TIMEOUT_SECONDS), '--silent']);
  spawnSync(command, argv, { cwd: os.tmpdir(), stdio: 'ignore' });
}

// Servers nobody destroyed are stopped when the process ends, however it ends short of SIGKILL:
// pg_ctl detaches the server from this process, so it would otherwise outlive it.
const live = new Set<Cluster>();
const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function register(cluster: Cluster): void {
  if (live.size === 0) {
    process.on('exit', destroyAllSync);
    for (const signal of EXIT_SIGNALS) process.on(signal, onSignal);
  }
  live.add(cluster);
}

function unregister(cluster: Cluster): void {
  live.delete(cluster);
  if (live.size === 0) {
    process.removeListener('exit', destroyAllSync);
    for (const signal of EXIT_SIGNALS) process.removeListener(signal, onSignal);
  }
}

function destroyAllSync(): void {
  for (const cluster of [...live]) {
    live.delete(cluster);
    cluster.destroySync();
  }
}

/** Cleans up, then lets the signal do what it would have done without this listener. */
function onSignal(signal: NodeJS.Signals): void {
  destroyAllSync();
  process.removeListener('exit', destroyAllSync);
  for (const name of EXIT_SIGNALS) process.removeListener(name, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function logTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '(no log)';
  }
}
