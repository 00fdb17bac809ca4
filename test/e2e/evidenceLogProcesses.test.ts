// Two `writ worker` processes of one host share its evidence log (`<dataDir>/log`, made on
// the first start in development), each taking the log's lock per batch: governed
// transfers spread over both, and afterwards `writ log verify` finds every artifact and
// receipt in one tree that leads to the signed checkpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { createWritClient } from '../../core/client/createWritClient';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { authorizationResult, governedStepsFromHistory } from '../../core/history/governedSteps';
import { testTemporal } from '../support/testServer';
import { WritHosts } from '../support/writHosts';
import { loggedEntries } from '../activities/realGovernanceDeps';

const TRANSFERS = 24;

let root: string;
let hosts: WritHosts;
let connection: Connection | undefined;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'writ-shared-log-'));
  hosts = new WritHosts(root);
});
afterAll(async () => {
  await connection?.close();
  await hosts.stopAll();
  rmSync(root, { recursive: true, force: true });
});

describe('when two worker processes of one host share its evidence log', () => {
  it('loses nothing either wrote: every artifact and receipt is in the log, and the tree verifies', async () => {
    const taskQueue = `writ-shared-log-${randomUUID()}`;
    const dir = hosts.host('host', { taskQueue });
    // The first start makes the development keys, identity provider and log; the second finds them.
    await hosts.startWorker(dir);
    await hosts.startWorker(dir);
    const idp = DevIdentityProvider.open(join(dir, '.writ', 'idp'));
    connection = await Connection.connect({ address: testTemporal().address });
    const client = createWritClient({ connection, namespace: testTemporal().namespace, ...(await idp.mintBoundCredential({ principal: 'alice', groups: ['treasury'] })) });
    const handles = await Promise.all(
      Array.from({ length: TRANSFERS }, (_, i) =>
        client.workflow.start('transferFunds', { taskQueue, workflowId: `shared-log-${randomUUID()}`, args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 + i }] }),
      ),
    );
    await Promise.all(handles.map((handle) => handle.result()));

    const verified = JSON.parse(hosts.writOk(dir, 'log', 'verify', '--json')) as { size: number; kinds: Record<string, number> };
    expect(verified.kinds).toMatchObject({ artifact: TRANSFERS, receipt: TRANSFERS });
    const entries = await loggedEntries(join(dir, '.writ', 'log'));
    expect(entries).toHaveLength(verified.size);
    const workers = new Set<string>();
    for (const handle of handles) {
      const history = await handle.fetchHistory();
      const [step] = governedStepsFromHistory(history);
      const permit = authorizationResult(step!)!;
      expect(entries[permit.logIndex!]).toMatchObject({ kind: 'artifact', runId: handle.firstExecutionRunId, evidence: permit.artifact });
      for (const event of history.events ?? []) if (event.activityTaskStartedEventAttributes?.identity) workers.add(event.activityTaskStartedEventAttributes.identity);
    }
    // Both processes did governed work, so both appended to the one log.
    expect(workers.size).toBe(2);
  }, 180_000);
});
