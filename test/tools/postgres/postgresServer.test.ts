import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Client } from 'pg';
import { findPostgresBin, POSTGRES_BIN_ENV, requirePostgresBin } from '../../../tools/postgres/findPostgresBin';
import { startPostgresServer, type PostgresServer } from '../../../tools/postgres/postgresServer';

/** Data directories of the postgres processes running on this machine now. */
function runningDataDirs(): string[] {
  const listed = spawnSync('pgrep', ['-a', 'postgres'], { encoding: 'utf8' }).stdout;
  return [...listed.matchAll(/-D (\S+)/g)].map((match) => match[1]!);
}

const BUILT_HARNESS = path.resolve(__dirname, '../../../dist/tools/postgres/postgresServer.js');

/**
 * Runs a plain node script outside jest that starts a server from the built harness and
 * prints its directory; once the test has seen that server running, the script ends as
 * `ending` says. Resolves with the directory once the script has exited.
 */
async function startThenEnd(ending: 'return' | 'throw' | 'SIGTERM'): Promise<string> {
  if (!fs.existsSync(BUILT_HARNESS)) throw new Error(`${BUILT_HARNESS} is missing: run \`npm run build\` (npm test does)`);
  // The script holds its event loop open on stdin until told to end (a line, then end of
  // input), so the server is seen running before the script's own exit can take it down.
  const script = `
    const { startPostgresServer } = require(${JSON.stringify(BUILT_HARNESS)});
    startPostgresServer().then((server) => {
      console.log(server.root);
      process.stdin.once('data', () => {
        if (${JSON.stringify(ending)} === 'throw') throw new Error('the script fails');
        if (${JSON.stringify(ending)} === 'SIGTERM') setInterval(() => {}, 1000);
      });
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const first = await readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
    const root = String(first.value);
    expect(runningDataDirs()).toContain(path.join(root, 'data'));
    child.stdin.end('end\n');
    if (ending === 'SIGTERM') child.kill('SIGTERM');
    await exited;
    return root;
  } finally {
    // A script that did not end as told is ended here, so a failing case leaves nothing behind.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  }
}

async function select(url: string, sql: string): Promise<unknown> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

describe('findPostgresBin', () => {
  it('takes the directory WRIT_POSTGRES_BIN names when it holds the server binaries', () => {
    const found = findPostgresBin();
    expect(findPostgresBin({ [POSTGRES_BIN_ENV]: found })).toBe(found);
  });

  it('refuses a WRIT_POSTGRES_BIN without them, naming it, rather than looking elsewhere', () => {
    expect(() => findPostgresBin({ [POSTGRES_BIN_ENV]: '/nonexistent/bin' })).toThrow(/WRIT_POSTGRES_BIN=\/nonexistent\/bin does not hold initdb, pg_ctl, postgres/);
  });

  describe('when a tool asked for PostgreSQL finds none (requirePostgresBin)', () => {
    it('is CONFIG_INVALID saying what to install and how to run without it', () => {
      let thrown: unknown;
      try {
        requirePostgresBin('pass --no-postgres', { [POSTGRES_BIN_ENV]: '/nonexistent/bin' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/\/nonexistent\/bin does not hold initdb.*; or pass --no-postgres$/) });
    });
  });
});

describe('the PostgreSQL test server', () => {
  let server: PostgresServer;
  let startMs: number;

  beforeAll(async () => {
    const started = Date.now();
    server = await startPostgresServer();
    startMs = Date.now() - started;
  });

  afterAll(async () => {
    await server.destroy();
  });

  it('starts a cluster of its own on a free loopback port, answering with the password only', async () => {
    process.stdout.write(`writ: PostgreSQL test cluster started in ${startMs} ms (${findPostgresBin()})\n`);
    expect(server.port).not.toBe(5432);
    const url = await server.createDatabase('harness_check');
    expect(await select(url, 'SELECT current_database() AS db, inet_server_addr()::text AS addr')).toEqual({ db: 'harness_check', addr: '127.0.0.1/32' });
    const wrong = url.replace(encodeURIComponent(server.password), 'not-the-password');
    await expect(select(wrong, 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('names its postmaster while running: the parent of the backend serving a connection', async () => {
    // The connection stays open while its backend's parent is read: a closed one's backend is gone.
    const client = new Client({ connectionString: await server.createDatabase('names_its_pid'), connectionTimeoutMillis: 2_000 });
    await client.connect();
    try {
      const { backend } = (await client.query('SELECT pg_backend_pid() AS backend')).rows[0] as { backend: number };
      const stat = fs.readFileSync(`/proc/${backend}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      expect(server.pid).toBe(parent);
    } finally {
      await client.end();
    }
  });

  it('when stopped refuses connections, and when started again answers on the same port with the same data', async () => {
    const url = await server.createDatabase('survives_restart');
    await select(url, 'CREATE TABLE kept AS SELECT 42 AS answer');
    await server.stop();
    expect(server.running).toBe(false);
    expect(server.pid).toBeUndefined();
    await expect(select(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await server.start();
    expect(await select(url, 'SELECT answer FROM kept')).toEqual({ answer: 42 });
  });

  it('when stopped immediately (a crash) comes back with every committed row', async () => {
    const url = await server.createDatabase('survives_crash');
    await select(url, 'CREATE TABLE kept AS SELECT 7 AS answer');
    await server.stop('immediate');
    await server.start();
    expect(await select(url, 'SELECT answer FROM kept')).toEqual({ answer: 7 });
  });

  it('when paused answers nothing, keeping its connections, and when resumed answers on them again', async () => {
    const url = await server.createDatabase('survives_pause');
    const client = new Client({ connectionString: url, query_timeout: 500 });
    await client.connect();
    try {
      await server.pause();
      await expect(client.query('SELECT 1')).rejects.toThrow(/timeout/i);
      await expect(select(url, 'SELECT 1')).rejects.toThrow(/timeout/i);
      await server.resume();
      expect((await client.query('SELECT 2 AS two')).rows[0]).toEqual({ two: 2 });
    } finally {
      await server.resume();
      await client.end();
    }
  });

  it('when destroyed while paused still stops', async () => {
    const other = await startPostgresServer();
    await other.pause();
    await other.destroy();
    expect(runningDataDirs()).not.toContain(path.join(other.root, 'data'));
  });

  it('when destroyed leaves no process and no directory behind', async () => {
    const other = await startPostgresServer();
    const dataDir = path.join(other.root, 'data');
    expect(runningDataDirs()).toContain(dataDir);
    await other.destroy();
    expect(runningDataDirs()).not.toContain(dataDir);
    expect(fs.existsSync(other.root)).toBe(false);
    await other.destroy(); // idempotent
  });

  describe.each(['return', 'throw', 'SIGTERM'] as const)('when a script outside jest that started one ends (%s) without destroying it', (ending) => {
    it('the server is stopped and its directory removed as the process exits', async () => {
      const root = await startThenEnd(ending);
      expect(runningDataDirs()).not.toContain(path.join(root, 'data'));
      expect(fs.existsSync(root)).toBe(false);
    });
  });
});
