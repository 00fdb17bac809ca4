// The role split on a real dev server: an authorizer worker (its own data directory, the
// authorization key, the policies and the action declarations) serves writ.authorize on a
// task queue of its own; an executor worker (its own data directory, the authorization
// keys' published set and its own receipt key, no authorization key at all) runs the
// workflows, the enforcement point and the action bodies. Separate Workers in this
// process; each opens its governance from configuration as its own host would.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { initHostLog } from '../support/hostLog';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection, WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startWritWorker, type StartedWritWorker } from '../../worker/startWritWorker';
import { WritPlugin } from '../../core/plugin/writPlugin';
import { loadConfig, type WritConfig } from '../../core/config/writConfig';
import { KeyStore } from '../../core/keys/keyStore';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../core/identity/devIdentityProvider';
import { createWritClient } from '../../core/client/createWritClient';
import { AuditKeySet } from '../../core/audit/keys/auditKeySet';
import { fetchRuns } from '../../core/audit/live/fetchRuns';
import { loadIdentityEvidence } from '../../core/audit/evidence/identityEvidence';
import { policySetEvidence } from '../../core/audit/evidence/policySetEvidence';
import { verifyHistories } from '../../core/audit/verifyHistories';
import { loadPolicySet } from '../../core/policy/policySet';
import { AUTHORIZE_ACTIVITY, VERIFY_IDENTITY_ACTIVITY } from '../../core/protocol/authorizeContract';
import { parseWritPluginOptions } from '../../core/plugin/writPluginOptions';
import { governanceDepsFrom } from '../../core/plugin/writPlugin';
import { createGovernedActivities } from '../../activities/governedActivities';
import { openExampleStores, type ExampleStores } from '../../examples/exampleStores';
import { createExampleActions } from '../../examples/exampleActions';
import { installRuntimeLogging } from '../../worker/runtimeLogging';
import { forge, validContent } from '../support/forgeArtifact';
import { sharedBundle, TEST_WORKFLOWS } from '../support/sharedBundle';
import { testTemporal } from '../support/testServer';
import { TREASURER } from '../support/governedTestEnv';
import type { GovernedBundle } from '../../worker/bundleGovernedWorkflows';

const POLICIES = resolve(__dirname, '../../examples/policies');
const TRANSFER = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 1_234 };

let root: string;
let stores: ExampleStores;
let idp: DevIdentityProvider;
let bundle: GovernedBundle;
let connection: Connection;
let client: Client;
let authorizer: StartedWritWorker;
let executor: StartedWritWorker;
let executorConfig: WritConfig;
let authorizationKeys: KeyStore;
let receiptKeys: KeyStore;
const running: Promise<void>[] = [];
const taskQueue = `writ-roles-exec-${randomUUID()}`;
const authorizerTaskQueue = `writ-roles-authz-${randomUUID()}`;

/**
 * A host's configuration: its own data directory; the shared identity provider, policies and
 * governance store (the executor registers each run's identity there, the authorizer reads it).
 */
function hostConfig(dataDir: string, settings: Record<string, unknown>): WritConfig {
  const governanceStore = { kind: 'sqlite', file: join(root, 'shared', 'governance.sqlite') };
  return loadConfig({
    projectRoot: root,
    env: {},
    overrides: { dataDir, taskQueue, authorizerTaskQueue, policiesDir: POLICIES, governanceStore, identity: { issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: idp.jwksPath }, ...settings },
  });
}

async function start(config: WritConfig, workflows?: GovernedBundle): Promise<StartedWritWorker> {
  const { address, namespace } = testTemporal();
  const started = await startWritWorker(
    { actions: createExampleActions(stores), workflowsPath: TEST_WORKFLOWS },
    { config, target: { kind: 'external', connectOptions: { address }, namespace }, ...(workflows === undefined ? {} : { workflowBundle: workflows.bundle }) },
  );
  running.push(started.run());
  return started;
}

beforeAll(async () => {
  installRuntimeLogging('ERROR');
  root = mkdtempSync(join(tmpdir(), 'writ-roles-'));
  const shared = join(root, 'shared');
  idp = DevIdentityProvider.open(join(shared, 'idp'));
  await idp.ensureKey();
  // One side-effect store both hosts reach: the authorizer reads accounts to decide, the executor moves money.
  stores = openExampleStores(join(shared, 'stores'));
  stores.ledger.seedDemo();
  bundle = await sharedBundle();

  // The authorizer's host: `writ keys create`, then publishes the key set the executors trust.
  const authorizerDir = join(root, 'authorizer');
  authorizationKeys = KeyStore.open(join(authorizerDir, 'keys'));
  await authorizationKeys.ensureActive();
  // The executor's host: `writ keys --purpose receipt create`; nothing else.
  const executorDir = join(root, 'executor');
  receiptKeys = KeyStore.open(join(executorDir, 'receipt-keys'), { purpose: 'receipt' });
  await receiptKeys.ensureActive();
  // Each host's evidence log, as `writ log init` makes it: with a configured identity provider nothing is made on demand.
  await initHostLog(authorizerDir, 'authorizer.example/writ-log');
  await initHostLog(executorDir, 'executor.example/writ-log');
  // The executor trusts one key set that also holds its own receipt key, with signing
  // periods (writ keys export --with-periods, then writ keys merge): the receipt key in it
  // must still authorize nothing.
  const trustedKeysFile = join(shared, 'trusted-keys.json');
  writeFileSync(trustedKeysFile, JSON.stringify(AuditKeySet.merge([AuditKeySet.fromKeyRecords(authorizationKeys.exportKeyRecords()), AuditKeySet.fromKeyRecords(receiptKeys.exportKeyRecords())]).toEvidence()));

  authorizer = await start(hostConfig(authorizerDir, { role: 'authorizer' }));
  executorConfig = hostConfig(executorDir, { role: 'executor', trustedKeysFile });
  executor = await start(executorConfig, bundle);
  connection = await Connection.connect({ address: testTemporal().address });
  client = createWritClient({ connection, namespace: testTemporal().namespace, ...(await idp.mintBoundCredential({ principal: TREASURER.principal, groups: TREASURER.groups })) });
}, 120_000);

afterAll(async () => {
  for (const worker of [executor, authorizer]) worker?.worker.shutdown();
  await Promise.all(running);
  await connection?.close();
  stores?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The auditor's key set: the authorizer's keys and the executor's receipt keys, with their periods. */
function auditKeys(): AuditKeySet {
  return AuditKeySet.merge([AuditKeySet.fromKeyRecords(authorizationKeys.exportKeyRecords()), AuditKeySet.fromKeyRecords(receiptKeys.exportKeyRecords())]);
}

async function audit(workflowIds: string[], keys = auditKeys()) {
  const runs = await fetchRuns(client, { workflowIds, related: false });
  return verifyHistories(runs, {
    keys,
    policySets: [policySetEvidence(loadPolicySet(POLICIES))],
    namespace: testTemporal().namespace,
    identity: await loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: idp.jwksPath }),
    replay: { bundle },
  });
}

/** Every file under `dir`, relative, recursively. */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(join(dir, prefix))) return [];
  return readdirSync(join(dir, prefix)).flatMap((name) => (statSync(join(dir, prefix, name)).isDirectory() ? filesUnder(dir, join(prefix, name)) : [join(prefix, name)]));
}

describe('when a governed workflow runs on an executor whose authorization runs on an authorizer', () => {
  let workflowId: string;
  let result: unknown;
  let history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

  beforeAll(async () => {
    workflowId = `roles-transfer-${randomUUID()}`;
    result = await client.workflow.execute('transferFunds', { taskQueue, workflowId, args: [TRANSFER] });
    history = await client.workflow.getHandle(workflowId).fetchHistory();
  }, 60_000);

  it('completes: the authorizer minted on its task queue, the executor enforced and ran the action once', () => {
    expect(result).toMatchObject({ transferId: expect.any(String) });
    expect(stores.ledger.listTransfers().filter((t) => t.amountCents === TRANSFER.amountCents)).toHaveLength(1);
    const scheduled = (history.events ?? []).flatMap((event) => (event.activityTaskScheduledEventAttributes ? [event.activityTaskScheduledEventAttributes] : []));
    const queueOf = (type: string) => scheduled.filter((attributes) => attributes.activityType?.name === type).map((attributes) => attributes.taskQueue?.name);
    expect(queueOf(VERIFY_IDENTITY_ACTIVITY)).toEqual([taskQueue]);
    expect(queueOf(AUTHORIZE_ACTIVITY)).toEqual([authorizerTaskQueue]);
    expect(queueOf('transferFunds')).toEqual([taskQueue]);
  });

  it('audits clean, replay included, with the artifact signed by the authorization key and the receipt by the receipt key', async () => {
    const verdict = await audit([workflowId]);
    expect(verdict.runs.flatMap((run) => run.findings)).toEqual([]);
    expect(verdict.passed).toBe(true);
    expect(verdict.runs.map((run) => run.replay)).toEqual(['passed']);
    expect({ artifacts: verdict.artifactsVerified, receipts: verdict.receiptsVerified }).toEqual({ artifacts: 1, receipts: 1 });
    expect(verdict.keysUsed).toEqual([authorizationKeys.list()[0]!.kid, receiptKeys.list()[0]!.kid].sort());
  });
});

describe('the executor', () => {
  it('holds no authorization private key: its data directory has none, and it opened no authorization key store', () => {
    const files = filesUnder(join(root, 'executor'));
    const privateKeys = files.filter((file) => file.endsWith('.private.jwk.json'));
    expect(privateKeys.length).toBeGreaterThan(0);
    expect(privateKeys.every((file) => file.startsWith(`receipt-keys/`))).toBe(true);
    expect(existsSync(join(root, 'executor', 'keys'))).toBe(false);
    expect(KeyStore.open(join(root, 'executor', 'receipt-keys'), { purpose: 'receipt' }).list().map((key) => key.purpose)).toEqual(['receipt']);
    expect(executor.governance.keyStore).toBeUndefined();
    expect(executor.governance.signer).toBeUndefined();
  });

  it('cannot mint: its writ.authorize is not registered and its signer refuses SIGNER_UNAVAILABLE', async () => {
    const settings = parseWritPluginOptions({ role: 'executor', authorizerTaskQueue, actions: createExampleActions(stores), governance: executor.governance }).worker!;
    const deps = governanceDepsFrom(settings, bundle.codeDigest);
    expect(Object.keys(createGovernedActivities(deps, 'executor'))).not.toContain(AUTHORIZE_ACTIVITY);
    expect(Object.keys(createGovernedActivities(deps, 'authorizer'))).toEqual([AUTHORIZE_ACTIVITY]);
    await expect(deps.signer()).rejects.toMatchObject({ code: 'SIGNER_UNAVAILABLE' });
  });

  it('denies an artifact signed by its own receipt key with ARTIFACT_KEY_PURPOSE_INVALID, though it trusts that key, and nothing runs', async () => {
    const before = stores.ledger.listTransfers().length;
    const bobBefore = stores.ledger.getAccount('acct-bob')!.balanceCents;
    const activityId = 'writ-step-1.1';
    const handle = await client.workflow.start('scheduleWithArtifact', {
      taskQueue,
      workflowId: `roles-receipt-key-${randomUUID()}`,
      args: [{ action: 'transferFunds', args: [TRANSFER], activityId }],
    });
    const target = { namespace: testTemporal().namespace, taskQueue, workflowId: handle.workflowId, runId: handle.firstExecutionRunId, activityId, action: 'transferFunds', args: [TRANSFER], policyDigest: loadPolicySet(POLICIES).digest };
    // Every binding holds; only the key is the executor's receipt key.
    const forged = await forge(validContent(target), await receiptKeys.loadSigner());
    await handle.signal('presentArtifact', forged);
    const error = await handle.result().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = ((error as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
    expect({ type: cause.type, nonRetryable: cause.nonRetryable }).toEqual({ type: 'ARTIFACT_KEY_PURPOSE_INVALID', nonRetryable: true });
    expect(stores.ledger.listTransfers()).toHaveLength(before);
    expect(stores.ledger.getAccount('acct-bob')!.balanceCents).toBe(bobBefore);
  });
});

describe('when an executor signs its receipts with an authorization key', () => {
  it('the run completes, and the auditor refuses the receipt with RECEIPT_KEY_PURPOSE_INVALID', async () => {
    // A misconfigured executor on a task queue of its own: its "receipt key" is the authorizer's.
    const misconfiguredQueue = `writ-roles-misconfigured-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address: testTemporal().address });
    const writ = new WritPlugin({
      role: 'executor',
      authorizerTaskQueue,
      actions: createExampleActions(stores),
      governance: { ...executor.governance, receiptSigner: () => authorizationKeys.loadSigner() },
    });
    const misconfigured = await Worker.create({ connection: nativeConnection, namespace: testTemporal().namespace, taskQueue: misconfiguredQueue, workflowBundle: bundle.bundle, plugins: [writ] });
    const workflowId = `roles-misconfigured-${randomUUID()}`;
    const done = misconfigured.runUntil(client.workflow.execute('transferFunds', { taskQueue: misconfiguredQueue, workflowId, args: [TRANSFER] }));
    await expect(done).resolves.toMatchObject({ transferId: expect.any(String) });
    await nativeConnection.close();
    const verdict = await audit([workflowId]);
    expect(verdict.passed).toBe(false);
    expect(verdict.runs.flatMap((run) => run.findings.map((finding) => finding.code))).toEqual(['RECEIPT_KEY_PURPOSE_INVALID']);
  }, 60_000);
});
