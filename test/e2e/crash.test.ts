import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { createWritClient } from '../../core/client/createWritClient';
import { KeyStore } from '../../core/keys/keyStore';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { openExampleStores } from '../../examples/exampleStores';
import { governedStepsFromHistory } from '../../core/history/governedSteps';
import { testTemporal } from '../support/testServer';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

jest.setTimeout(180_000);

describe('when the worker process dies between authorize and execute', () => {
  let workers: WorkerProcess[] = [];
  afterEach(async () => {
    for (const worker of workers) await worker.kill('SIGKILL');
    workers = [];
  });

  it('a new worker finishes the workflow and the action runs exactly once', async () => {
    const { address, namespace } = testTemporal();
    const dataDir = mkdtempSync(join(tmpdir(), 'writ-crash-'));
    const taskQueue = `writ-crash-${randomUUID()}`;
    // Trust material and stores exist before either worker starts, as on a real host.
    await KeyStore.open(join(dataDir, 'keys')).ensureActive();
    const idp = DevIdentityProvider.open(join(dataDir, 'idp'));
    await idp.ensureKey();
    const stores = openExampleStores(join(dataDir, 'examples'));
    stores.ledger.seedDemo();
    const env = { WRIT_DATA_DIR: dataDir, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, WRIT_TASK_QUEUE: taskQueue };

    const first = await startWorkerProcess(env);
    workers.push(first);
    const connection = await Connection.connect({ address });
    const client = createWritClient({ connection, namespace, identityToken: await idp.mintToken({ principal: 'alice', groups: ['treasury'] }) });
    const bobBefore = stores.ledger.getAccount('acct-bob')!.balanceCents;
    const handle = await client.workflow.start('transferFunds', {
      taskQueue,
      workflowId: `crash-${Date.now()}`,
      args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 4_200 }],
    });

    // Kill the worker the moment the authorization is recorded.
    for (;;) {
      const steps = governedStepsFromHistory(await handle.fetchHistory());
      if (steps[0]?.authorization.end.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await first.kill('SIGKILL');
    const ranBeforeCrash = stores.ledger.listTransfers().length;

    const second = await startWorkerProcess(env);
    workers.push(second);
    const result = (await handle.result()) as { transferId: string };
    expect(result.transferId).toBeDefined();

    // Exactly one side effect, whichever side of the kill the action landed on.
    expect(ranBeforeCrash).toBeLessThanOrEqual(1);
    expect(stores.ledger.listTransfers()).toHaveLength(1);
    expect(stores.ledger.getAccount('acct-bob')!.balanceCents).toBe(bobBefore + 4_200);
    const steps = governedStepsFromHistory(await handle.fetchHistory());
    expect(steps).toHaveLength(1);
    expect(steps[0]!.execution!.end.status).toBe('completed');
    await connection.close();
    stores.close();
  });
});
