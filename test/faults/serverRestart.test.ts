import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../core/server/devServer';
import { findTemporalCli } from '../../core/server/findTemporalCli';
import { createFaultFixture, findingsOf, outcomeOf, type FaultFixture } from '../support/faultFixture';

// The Temporal dev server is stopped and started again on the same SQLite file and port
// while a governed step is in flight (the worker holds inside writ.authorize, its decision
// made, the artifact not yet signed). This file starts its own server: the run's shared
// one is never restarted under other tests.

jest.setTimeout(120_000);

let server: DevServer;
let fixture: FaultFixture;
const serverDir = mkdtempSync(join(tmpdir(), 'writ-fault-server-'));
const startServer = (port?: number) =>
  startDevServer({
    dataDir: serverDir,
    namespace: 'writ',
    cliPath: findTemporalCli({ projectRoot: join(__dirname, '../..') }),
    headless: true,
    searchAttributes: { WritStatus: 'Keyword', WritPrincipal: 'Keyword' },
    ...(port === undefined ? {} : { port }),
  });

beforeAll(async () => {
  server = await startServer();
  fixture = await createFaultFixture(server.address, server.namespace);
});
afterAll(async () => {
  await fixture?.close();
  await server?.stop();
  if (process.env['WRIT_KEEP_TEST_DATA'] !== '1') rmSync(serverDir, { recursive: true, force: true });
});

describe('when the Temporal server restarts mid-run with its SQLite file', () => {
  it('the run resumes where it was, the action runs once and the whole history audits clean', async () => {
    const memo = `server-restart-${Date.now()}`;
    await fixture.startWorker({ hold: ['authorize-sign'] });
    const handle = await fixture.startTransfer(2_500, memo);
    await fixture.latch.waitFor('authorize-sign');

    await server.stop();
    server = await startServer(server.port);
    // The worker outlived the outage and reconnects; the step it held goes on now.
    fixture.latch.release('authorize-sign');

    expect(await outcomeOf(handle)).toBe('completed');
    expect(fixture.transfersWithMemo(memo)).toBe(1);
    // A run started after the restart is served by the same worker.
    const after = `${memo}-after`;
    expect(await outcomeOf(await fixture.startTransfer(100, after))).toBe('completed');
    expect(fixture.transfersWithMemo(after)).toBe(1);

    const verdict = await fixture.audit([memo, after]);
    expect(findingsOf(verdict)).toEqual([]);
    expect(verdict.runs.map((run) => run.steps.map((s) => [s.decision, s.outcome]))).toEqual([[['permit', 'completed']], [['permit', 'completed']]]);
    expect(verdict.receiptsVerified).toBe(2);
  });
});
