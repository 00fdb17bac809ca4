// `writ worker` as processes: an authorizer host and an executor host, each a directory of
// its own with its writ.config.json and its keys (made with `writ keys`), run the same
// worker module in their roles against the test server; a transfer completes across them
// and audits clean with the merged key set. Refusals are one line with a code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { createWritClient } from '../../../core/client/createWritClient';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../../core/identity/devIdentityProvider';
import { openExampleStores } from '../../../examples/exampleStores';
import { testTemporal } from '../../support/testServer';
import { HOST_POLICIES as POLICIES, HOST_WORKER_MODULE as WORKER_MODULE, privateKeyFiles, WritHosts } from '../../support/writHosts';

// The workflows the host worker module runs (the examples and the test workflows).
const EXAMPLE_WORKFLOWS_BUILT = resolve(__dirname, '../../../dist/test/fixtures/workflows.js');

let root: string;
let hosts: WritHosts;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'writ-worker-cli-'));
  hosts = new WritHosts(root);
});
afterAll(async () => {
  await hosts.stopAll();
  rmSync(root, { recursive: true, force: true });
});

const host = (name: string, config: Record<string, unknown>) => hosts.host(name, config);
const writ = (cwd: string, ...args: string[]) => hosts.writ(cwd, ...args);
const writOk = (cwd: string, ...args: string[]) => hosts.writOk(cwd, ...args);
const startWorker = (cwd: string, ...args: string[]) => hosts.startWorker(cwd, ...args);

describe('writ worker', () => {
  describe('when it cannot run in the role it is given', () => {
    it('refuses an executor whose authorizer would share its task queue: CONFIG_INVALID, one line, exit 1', () => {
      const dir = host('lonely-executor', {});
      const run = writ(dir, 'worker', '--role', 'executor', '--module', WORKER_MODULE);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^writ: CONFIG_INVALID: configuration is invalid/);
      expect(run.stderr).toMatch(/^ {2}- authorizerTaskQueue: /m);
    });

    it('refuses a missing worker module, naming it and the build', () => {
      const dir = host('unbuilt', {});
      const run = writ(dir, 'worker');
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^writ: CONFIG_INVALID: no worker module at .*dist\/src\/worker\.js: build the project/);
    });

    it('refuses an unknown role before anything starts', () => {
      const run = writ(host('unknown-role', {}), 'worker', '--role', 'auditor', '--module', WORKER_MODULE);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("argument 'auditor' is invalid");
    });
  });

  describe('when an authorizer host and an executor host run the same worker module', () => {
    it('completes a transfer authorized on the one and executed on the other, which audits clean with their merged keys', async () => {
      const taskQueue = `writ-cli-exec-${randomUUID()}`;
      const authorizerTaskQueue = `writ-cli-authz-${randomUUID()}`;
      // The identity provider both hosts trust (a real one in production).
      const idp = DevIdentityProvider.open(join(root, 'idp'));
      await idp.ensureKey();
      const identity = { issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: idp.jwksPath };
      // The governance store both hosts reach (PostgreSQL across real hosts): the executor registers each run's identity, the authorizer reads it.
      const governanceStore = { kind: 'sqlite', file: join(root, 'governance.sqlite') };
      const authorizer = host('authorizer', { role: 'authorizer', taskQueue, authorizerTaskQueue, identity, governanceStore });
      const executor = host('executor', { role: 'executor', taskQueue, authorizerTaskQueue, trustedKeysFile: 'authorization-keys.json', identity, governanceStore });

      // Keys, as an operator makes them on each host: with a real identity provider nothing is made on demand.
      writOk(authorizer, 'keys', 'create');
      writOk(authorizer, 'log', 'init', '--origin', 'authorizer.example/writ-log', '--json');
      writOk(executor, 'log', 'init', '--origin', 'executor.example/writ-log', '--json');
      writOk(authorizer, 'keys', 'export', '--out', join(executor, 'authorization-keys.json'));
      writOk(executor, 'keys', '--purpose', 'receipt', 'create');

      expect(await startWorker(authorizer)).toBe(`writ worker: serving task queue ${authorizerTaskQueue} in namespace ${testTemporal().namespace} as authorizer`);
      expect(await startWorker(executor, '--role', 'executor')).toBe(`writ worker: serving task queue ${taskQueue} in namespace ${testTemporal().namespace} as executor; authorization on ${authorizerTaskQueue}`);

      const connection = await Connection.connect({ address: testTemporal().address });
      const workflowId = `cli-roles-${randomUUID()}`;
      try {
        const client = createWritClient({ connection, namespace: testTemporal().namespace, identityToken: await idp.mintToken({ principal: 'alice', groups: ['treasury'] }) });
        const result = await client.workflow.execute('transferFunds', { taskQueue, workflowId, args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 4_321 }] });
        expect(result).toMatchObject({ transferId: expect.any(String) });
      } finally {
        await connection.close();
      }
      // The side effect happened on the executor's host, once.
      const ledger = openExampleStores(join(executor, '.writ', 'examples'));
      try {
        expect(ledger.ledger.listTransfers().map((transfer) => transfer.amountCents)).toEqual([4_321]);
      } finally {
        ledger.close();
      }
      // Each host holds only its own private key.
      expect(privateKeyFiles(join(executor, '.writ')).every((file) => file.startsWith('receipt-keys'))).toBe(true);
      expect(privateKeyFiles(join(executor, '.writ'))).toHaveLength(1);
      expect(privateKeyFiles(join(authorizer, '.writ')).every((file) => file.startsWith('keys'))).toBe(true);

      // The auditor's key set: each host exports its keys with their periods, and they are merged.
      writOk(authorizer, 'keys', 'export', '--with-periods', '--out', join(root, 'authorizer-keys.json'));
      writOk(executor, 'keys', '--purpose', 'receipt', 'export', '--with-periods', '--out', join(root, 'executor-keys.json'));
      writOk(root, 'keys', 'merge', join(root, 'authorizer-keys.json'), join(root, 'executor-keys.json'), '--out', join(root, 'audit-keys.json'));
      const audited = writ(executor, 'audit', 'verify', '--workflow-id', workflowId, '--keys', join(root, 'audit-keys.json'), '--policies', POLICIES, '--workflows', EXAMPLE_WORKFLOWS_BUILT, '--json');
      expect({ status: audited.status, stderr: audited.stderr }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(audited.stdout)).toMatchObject({ passed: true, artifactsVerified: 1, receiptsVerified: 1 });
      // The evidence bundle carries the same merged key set, and verifies with no server.
      const bundle = join(root, 'evidence.json');
      writOk(executor, 'audit', 'export', '--workflow-id', workflowId, '--keys', join(root, 'audit-keys.json'), '--policies', POLICIES, '--out', bundle);
      const offline = writ(root, 'audit', 'verify', '--bundle', bundle, '--workflows', EXAMPLE_WORKFLOWS_BUILT, '--json');
      // Each host here keeps its own evidence log, and the auditor holds no log key: the
      // bundle's log proofs are said to be unchecked, and the history checks still pass.
      expect({ status: offline.status, stderr: offline.stderr }).toEqual({ status: 0, stderr: "writ: the bundle's evidence log proofs are not checked: give the log's verifier key with --log-key\n" });
      expect(JSON.parse(offline.stdout)).toMatchObject({ passed: true, artifactsVerified: 1, receiptsVerified: 1 });
    }, 180_000);
  });
});
