import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../../core/server/devServer';
import { isWritError } from '../../../core/errors/writError';

/** Whether a process with this id still exists (signal 0 only checks). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withClient<T>(server: DevServer, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: server.address });
  try {
    return await fn(new Client({ connection, namespace: server.namespace }));
  } finally {
    await connection.close();
  }
}

async function startFailure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected startDevServer to fail');
}

// This file runs its own dev server (not the run's shared one) because it stops and restarts it.
describe('startDevServer', () => {
  let dir: string;
  let dataDir: string;
  let server: DevServer | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-devserver-'));
    dataDir = path.join(dir, 'data');
    server = await startDevServer({ dataDir, headless: true, searchAttributes: { WritTestMarker: 'Keyword' } });
  });

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function running(): DevServer {
    if (server === undefined) {
      throw new Error('the dev server did not start');
    }
    return server;
  }

  it('answers for the writ namespace on a loopback address', async () => {
    const current = running();
    expect(current.namespace).toBe('writ');
    expect(current.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(current.uiUrl).toBeUndefined();
    const described = await withClient(current, (client) =>
      client.workflowService.describeNamespace({ namespace: current.namespace }),
    );
    expect(described.namespaceInfo?.name).toBe('writ');
  });

  it('dispatches activities eagerly by default (the command line its log header records)', () => {
    running();
    expect(fs.readFileSync(path.join(dataDir, 'temporal-server.log'), 'utf8')).toContain('--dynamic-config-value system.enableActivityEagerExecution=true');
  });

  it('registers the requested search attributes', async () => {
    const current = running();
    const listed = await withClient(current, (client) =>
      client.connection.operatorService.listSearchAttributes({ namespace: current.namespace }),
    );
    expect(Object.keys(listed.customAttributes)).toContain('WritTestMarker');
  });

  it('keeps workflow histories in the SQLite file across a restart with the same dataDir', async () => {
    const before = running();
    const workflowId = `survives-restart-${Date.now()}`;
    // No worker polls this queue: the execution just stays open, which is all a restart needs.
    const runId = await withClient(before, async (client) => {
      const handle = await client.workflow.start('NoWorkerNeededWorkflow', {
        taskQueue: 'writ-test-nobody-polls',
        workflowId,
        args: [{ marker: 'before-restart' }],
      });
      return handle.firstExecutionRunId;
    });

    await before.stop();
    expect(isAlive(before.pid)).toBe(false);
    expect(fs.existsSync(before.dbFile)).toBe(true);

    // Same port too, as a mid-run restart would do so that workers can reconnect.
    server = await startDevServer({ dataDir, port: before.port, headless: true, searchAttributes: { WritTestMarker: 'Keyword' } });
    const after = running();
    expect(after.pid).not.toBe(before.pid);
    expect(after.dbFile).toBe(before.dbFile);
    expect(after.address).toBe(before.address);

    const description = await withClient(after, (client) => client.workflow.getHandle(workflowId).describe());
    expect(description.runId).toBe(runId);
    expect(description.type).toBe('NoWorkerNeededWorkflow');
    expect(description.status.name).toBe('RUNNING');
  });

  it('stops idempotently', async () => {
    const current = running();
    await Promise.all([current.stop(), current.stop()]);
    await current.stop();
    expect(isAlive(current.pid)).toBe(false);
  });
});

describe('startDevServer failures', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-devserver-fail-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function fakeCli(body: string): string {
    const file = path.join(dir, 'fake-temporal');
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
    fs.chmodSync(file, 0o755);
    return file;
  }

  describe('when the server process exits before it is ready', () => {
    it('throws TEMPORAL_SERVER_FAILED with the end of the server log', async () => {
      const cliPath = fakeCli('echo "fake server: cannot open database" >&2\nexit 3');

      const error = await startFailure(() => startDevServer({ dataDir: path.join(dir, 'data'), cliPath, headless: true }));

      expect(isWritError(error, 'TEMPORAL_SERVER_FAILED')).toBe(true);
      // The log tail is the point of this error: it is what an operator reads first.
      expect((error as Error).message).toContain('fake server: cannot open database');
    });
  });

  describe('when the server never answers', () => {
    it('throws TEMPORAL_SERVER_FAILED after readyTimeoutMs and kills the process', async () => {
      const pidFile = path.join(dir, 'pid');
      const cliPath = fakeCli(`echo $$ > '${pidFile}'\nexec sleep 60`);

      const error = await startFailure(() =>
        startDevServer({ dataDir: path.join(dir, 'data'), cliPath, headless: true, readyTimeoutMs: 1_500 }),
      );

      expect(isWritError(error, 'TEMPORAL_SERVER_FAILED')).toBe(true);
      expect(isAlive(Number(fs.readFileSync(pidFile, 'utf8').trim()))).toBe(false);
    });
  });

  describe('when the chosen port is already taken', () => {
    it('throws TEMPORAL_SERVER_FAILED instead of mistaking the occupant for the new server', async () => {
      const occupant = net.createServer();
      await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
      const port = (occupant.address() as net.AddressInfo).port;
      const cliPath = fakeCli(`touch '${path.join(dir, 'started')}'`);
      try {
        const error = await startFailure(() => startDevServer({ dataDir: path.join(dir, 'data'), cliPath, port, headless: true }));

        expect(isWritError(error, 'TEMPORAL_SERVER_FAILED')).toBe(true);
        expect(fs.existsSync(path.join(dir, 'started'))).toBe(false);
      } finally {
        await new Promise((resolve) => occupant.close(resolve));
      }
    });
  });

  describe('when eager activity dispatch is turned off', () => {
    it('starts the server with system.enableActivityEagerExecution=false', async () => {
      // A CLI that records its arguments and exits: the start fails, the arguments are what counts.
      const argsFile = path.join(dir, 'eager-args');
      const cliPath = fakeCli(`echo "$@" > '${argsFile}'\nexit 3`);
      await startFailure(() => startDevServer({ dataDir: path.join(dir, 'eager-off'), cliPath, headless: true, eagerActivities: false }));
      expect(fs.readFileSync(argsFile, 'utf8')).toContain('--dynamic-config-value system.enableActivityEagerExecution=false');
    });
  });

  describe('when a search attribute name is not an identifier', () => {
    it('throws CONFIG_INVALID before starting anything', async () => {
      const cliPath = fakeCli(`touch '${path.join(dir, 'started')}'`);

      const error = await startFailure(() =>
        startDevServer({ dataDir: path.join(dir, 'data'), cliPath, searchAttributes: { 'not-an-identifier': 'Keyword' } }),
      );

      expect(isWritError(error, 'CONFIG_INVALID')).toBe(true);
      expect(fs.existsSync(path.join(dir, 'started'))).toBe(false);
    });
  });
});
