// Many hosts on one machine: an authorizer and two executors, each a `writ worker`
// process with its own data and key directories, sharing only the Temporal server and a
// PostgreSQL governance store. A workflow authorized by one process executes on another;
// the kill switch and a revocation recorded through one host stop the next action on
// another; a statement used through one host is refused through the other; and with
// PostgreSQL stopped every step is a recorded denial with nothing executed, until it is back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { createWritClient } from '../../core/client/createWritClient';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../core/identity/devIdentityProvider';
import { KeyStore } from '../../core/keys/keyStore';
import { loadPolicySet } from '../../core/policy/policySet';
import { CONTROL_WORKFLOW_ID, KILL_SWITCH_UPDATE, REVOKE_UPDATE, type OperatorActReceipt } from '../../core/protocol/operatorContract';
import { openExampleStores } from '../../examples/exampleStores';
import { startPostgresServer, type PostgresServer } from '../../tools/postgres/postgresServer';
import { sha256Digest } from '../../core/canonical/digest';
import { failureCode } from '../support/failureCode';
import { forge, validContent } from '../support/forgeArtifact';
import { haltBy, resumeBy, revocationBy } from '../support/operatorStatements';
import { testTemporal } from '../support/testServer';
import { HOST_POLICIES, privateKeyFiles, WritHosts } from '../support/writHosts';

const DATABASE_URL_ENV = 'WRIT_FLEET_GOVERNANCE_URL';
const SMALL = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 300 };

let postgres: PostgresServer;
let root: string;
let hosts: WritHosts;
let idp: DevIdentityProvider;
let connection: Connection;
const authorizerTaskQueue = `writ-fleet-authorize-${randomUUID()}`;
const queueB = `writ-fleet-b-${randomUUID()}`;
const queueC = `writ-fleet-c-${randomUUID()}`;
const dirs = { authorizer: '', b: '', c: '' };

beforeAll(async () => {
  postgres = await startPostgresServer();
  const url = await postgres.createDatabase('writ_fleet');
  root = mkdtempSync(join(tmpdir(), 'writ-fleet-'));
  hosts = new WritHosts(root, { [DATABASE_URL_ENV]: url });
  // The identity provider every host trusts (a real one in production).
  idp = DevIdentityProvider.open(join(root, 'idp'));
  await idp.ensureKey();
  const identity = { issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: idp.jwksPath };
  const governanceStore = { kind: 'postgres', urlEnv: DATABASE_URL_ENV, queryTimeoutMs: 2_000 };
  dirs.authorizer = hosts.host('authorizer', { role: 'authorizer', authorizerTaskQueue, identity, governanceStore });
  const executor = (taskQueue: string) => ({ role: 'executor', taskQueue, authorizerTaskQueue, trustedKeysFile: 'authorization-keys.json', identity, governanceStore });
  dirs.b = hosts.host('executor-b', executor(queueB));
  dirs.c = hosts.host('executor-c', executor(queueC));

  hosts.writOk(dirs.authorizer, 'keys', 'create');
  for (const [name, dir] of Object.entries(dirs)) hosts.writOk(dir, 'log', 'init', '--origin', `${name}.example/writ-log`, '--json');
  for (const dir of [dirs.b, dirs.c]) {
    hosts.writOk(dirs.authorizer, 'keys', 'export', '--out', join(dir, 'authorization-keys.json'));
    hosts.writOk(dir, 'keys', '--purpose', 'receipt', 'create');
  }
  await Promise.all([hosts.startWorker(dirs.authorizer), hosts.startWorker(dirs.b), hosts.startWorker(dirs.c)]);
  connection = await Connection.connect({ address: testTemporal().address });
}, 120_000);

afterAll(async () => {
  await connection?.close();
  await hosts?.stopAll();
  await postgres?.destroy();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

async function clientAs(principal: string, groups: string[]) {
  return createWritClient({ connection, namespace: testTemporal().namespace, ...(await idp.mintBoundCredential({ principal, groups })) });
}

async function start(taskQueue: string, workflowType: string, args: unknown[]): Promise<WorkflowHandleWithFirstExecutionRunId> {
  return (await clientAs('alice', ['treasury'])).workflow.start(workflowType, { taskQueue, workflowId: `fleet-${workflowType}-${randomUUID()}`, args });
}

/** How many transfers the ledger of the executor in `dir` holds. */
function transfersOn(dir: string): number {
  const stores = openExampleStores(join(dir, '.writ', 'examples'));
  try {
    return stores.ledger.listTransfers().length;
  } finally {
    stores.close();
  }
}

/** Sends a kill-switch statement to the control workflow served by the executor of `taskQueue`. */
async function throughControlOf(taskQueue: string, statement: string): Promise<OperatorActReceipt> {
  const client = await clientAs('olivia', ['operators']);
  const control = await client.workflow.start('writControl', { taskQueue, workflowId: `${CONTROL_WORKFLOW_ID}-${taskQueue}`, workflowIdConflictPolicy: 'USE_EXISTING', args: [] });
  return control.executeUpdate<OperatorActReceipt, [string]>(KILL_SWITCH_UPDATE, { args: [statement] });
}

const halt = () => haltBy(idp, 'olivia', testTemporal().namespace);
/** A resume naming the halt `engage` (a signed engaging statement) made. */
const resume = (engage: string) => resumeBy(idp, 'olivia', testTemporal().namespace, sha256Digest(engage));

/**
 * A run on `runQueue` of the reach-around workflow, which will schedule a transfer on
 * `actionQueue`, and a genuine artifact for that very execution, signed with the
 * authorizer's key (read from its key directory, as only the authorizer host could).
 */
async function runHoldingArtifact(runQueue: string, actionQueue: string): Promise<{ handle: WorkflowHandleWithFirstExecutionRunId; artifact: string }> {
  const activityId = 'fleet-transfer-1';
  const handle = await start(runQueue, 'scheduleWithArtifact', [{ action: 'transferFunds', args: [SMALL], activityId, taskQueue: actionQueue }]);
  const signer = await KeyStore.open(join(dirs.authorizer, '.writ', 'keys')).loadSigner();
  const target = {
    namespace: testTemporal().namespace,
    taskQueue: actionQueue,
    workflowId: handle.workflowId,
    runId: handle.firstExecutionRunId,
    activityId,
    action: 'transferFunds',
    args: [SMALL],
    policyDigest: loadPolicySet(HOST_POLICIES).digest,
  };
  return { handle, artifact: await forge(validContent(target), signer) };
}

describe('an authorizer and two executors sharing only Temporal and PostgreSQL', () => {
  it('authorize on the authorizer and execute on each executor, each host holding only its own private key', async () => {
    const before = { b: transfersOn(dirs.b), c: transfersOn(dirs.c) };
    await expect((await start(queueB, 'transferFunds', [SMALL])).result()).resolves.toMatchObject({ transferId: expect.any(String) });
    await expect((await start(queueC, 'transferFunds', [SMALL])).result()).resolves.toMatchObject({ transferId: expect.any(String) });
    expect({ b: transfersOn(dirs.b), c: transfersOn(dirs.c) }).toEqual({ b: before.b + 1, c: before.c + 1 });
    expect(privateKeyFiles(join(dirs.authorizer, '.writ')).every((file) => file.startsWith('keys'))).toBe(true);
    for (const dir of [dirs.b, dirs.c]) {
      expect(privateKeyFiles(join(dir, '.writ'))).toHaveLength(1);
      expect(privateKeyFiles(join(dir, '.writ'))[0]).toMatch(/^receipt-keys/);
    }
  });

  it('a kill switch engaged through executor B stops the next action on the authorizer and at executor C, until lifted through C', async () => {
    const held = await runHoldingArtifact(queueC, queueC);
    const before = transfersOn(dirs.c);
    const engage = await halt();
    expect((await throughControlOf(queueB, engage)).by).toBe('olivia');
    // The authorizer host refuses to authorize...
    expect(await failureCode((await start(queueC, 'transferFunds', [SMALL])).result())).toBe('KILL_SWITCH_ENGAGED');
    // ...and executor C refuses an artifact minted before the switch was engaged.
    await held.handle.signal('presentArtifact', held.artifact);
    expect(await failureCode(held.handle.result())).toBe('KILL_SWITCH_ENGAGED');
    expect(transfersOn(dirs.c)).toBe(before);

    expect((await throughControlOf(queueC, await resume(engage))).by).toBe('olivia');
    await expect((await start(queueB, 'transferFunds', [SMALL])).result()).resolves.toMatchObject({ transferId: expect.any(String) });
  });

  it('a statement used through one host is refused through the other (STATEMENT_REPLAYED), and changes nothing', async () => {
    const engage = await halt();
    const lift = await resume(engage);
    await throughControlOf(queueB, engage);
    await throughControlOf(queueB, lift);
    expect(await failureCode(throughControlOf(queueC, engage))).toBe('STATEMENT_REPLAYED');
    await expect((await start(queueC, 'transferFunds', [SMALL])).result()).resolves.toMatchObject({ transferId: expect.any(String) });
    const again = await halt();
    await throughControlOf(queueC, again);
    expect(await failureCode(throughControlOf(queueB, lift))).toBe('STATEMENT_REPLAYED');
    expect(await failureCode((await start(queueB, 'transferFunds', [SMALL])).result())).toBe('KILL_SWITCH_ENGAGED');
    await throughControlOf(queueB, await resume(again));
  });

  it("a run revoked through executor B cannot act on executor C, even with a genuine artifact (AUTHORITY_REVOKED)", async () => {
    const held = await runHoldingArtifact(queueB, queueC);
    const before = transfersOn(dirs.c);
    // The revocation is verified and recorded by executor B, which serves the run.
    const receipt = await held.handle.executeUpdate<OperatorActReceipt, [string]>(REVOKE_UPDATE, {
      args: [await revocationBy(idp, 'olivia', { workflowId: held.handle.workflowId, runId: held.handle.firstExecutionRunId })],
    });
    expect(receipt.by).toBe('olivia');
    await held.handle.signal('presentArtifact', held.artifact);
    expect(await failureCode(held.handle.result())).toBe('AUTHORITY_REVOKED');
    expect(transfersOn(dirs.c)).toBe(before);
  });

  it('with PostgreSQL stopped every step is a recorded denial and nothing runs; once it is back the next runs complete', async () => {
    const before = { b: transfersOn(dirs.b), c: transfersOn(dirs.c) };
    await postgres.stop('fast');
    try {
      const denied = await Promise.all([start(queueB, 'transferFunds', [SMALL]), start(queueC, 'transferFunds', [SMALL])]);
      for (const handle of denied) expect(await failureCode(handle.result())).toBe('GOVERNANCE_STORE_UNAVAILABLE');
      expect({ b: transfersOn(dirs.b), c: transfersOn(dirs.c) }).toEqual(before);
    } finally {
      await postgres.start();
    }
    await expect((await start(queueB, 'transferFunds', [SMALL])).result()).resolves.toMatchObject({ transferId: expect.any(String) });
    await expect((await start(queueC, 'transferFunds', [SMALL])).result()).resolves.toMatchObject({ transferId: expect.any(String) });
    expect({ b: transfersOn(dirs.b), c: transfersOn(dirs.c) }).toEqual({ b: before.b + 1, c: before.c + 1 });
  });
});
