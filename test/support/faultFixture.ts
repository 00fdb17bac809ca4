import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createWritClient } from '../../core/client/createWritClient';
import { KeyStore } from '../../core/keys/keyStore';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { openExampleStores, type ExampleStores } from '../../examples/exampleStores';
import { loadPolicySet } from '../../core/policy/policySet';
import { AuditKeySet, fetchRuns, policySetEvidence, verifyHistories, type AuditVerdict, type PolicySetEvidence } from '../../core/audit';
import { installRuntimeLogging } from '../../worker/runtimeLogging';
import { spawnWorkerProcess, type WorkerProcess } from '../../worker/workerProcess';
import type { GovernedBundle } from '../../worker/bundleGovernedWorkflows';
import { bundleFaultWorkflows, FAULT_ENV, type FaultPoint } from './faultWorker';
import { FaultLatch } from './faultLatch';

const FAULT_WORKER_MAIN = resolve(__dirname, '../../dist/test/support/faultWorker.js');
export const POLICIES_DIR = resolve(__dirname, '../../examples/policies');

/** A fault worker in its own OS process. */
export type FaultWorkerProcess = WorkerProcess;

/** How a fault worker process is started: which points it holds at or fails at. */
export interface FaultWorkerOptions {
  readonly hold?: readonly FaultPoint[];
  readonly fail?: readonly FaultPoint[];
  /** Extra environment (WRIT_POLICIES_DIR, ...). */
  readonly env?: Record<string, string>;
}

/**
 * One fault scenario's world: a data directory with keys, identity provider and seeded
 * stores (as on a real host, made before any worker starts), its own task queue, the
 * fault workflows bundled once, file latches, and a client that starts runs as alice.
 */
export interface FaultFixture {
  readonly dataDir: string;
  /** The worker's policy directory: a copy of policies/ the test may change. */
  readonly policiesDir: string;
  readonly taskQueue: string;
  readonly namespace: string;
  readonly latch: FaultLatch;
  readonly stores: ExampleStores;
  readonly keyStore: KeyStore;
  readonly client: Client;
  startWorker(options?: FaultWorkerOptions): Promise<FaultWorkerProcess>;
  /** Starts `faultTransfer` as alice (treasury), moving `amountCents` to bob with `memo`. */
  startTransfer(amountCents: number, memo: string): Promise<WorkflowHandle>;
  /** Audits the runs' histories from the server with the fixture's keys and `policySets`. */
  audit(workflowIds: readonly string[], policySets?: readonly PolicySetEvidence[]): Promise<AuditVerdict>;
  /** Transfers in the ledger carrying `memo`: the side effects of that run. */
  transfersWithMemo(memo: string): number;
  close(): Promise<void>;
}

let sharedFaultBundle: Promise<{ bundle: GovernedBundle; file: string }> | undefined;

/** The fault workflows bundled once per jest worker and written where worker processes read it. */
function faultBundle(): Promise<{ bundle: GovernedBundle; file: string }> {
  sharedFaultBundle ??= bundleFaultWorkflows().then((bundle) => {
    const file = join(mkdtempSync(join(tmpdir(), 'writ-fault-bundle-')), 'workflows.js');
    writeFileSync(file, (bundle.bundle as { code: string }).code);
    return { bundle, file };
  });
  return sharedFaultBundle;
}

/** Creates a fault scenario against the Temporal server at `address`. */
export async function createFaultFixture(address: string, namespace: string): Promise<FaultFixture> {
  if (!existsSync(FAULT_WORKER_MAIN)) throw new Error(`${FAULT_WORKER_MAIN} is missing: run \`npm run build\` (npm test does)`);
  installRuntimeLogging('ERROR');
  const dataDir = mkdtempSync(join(tmpdir(), 'writ-fault-'));
  const taskQueue = `writ-fault-${randomUUID()}`;
  const keyStore = KeyStore.open(join(dataDir, 'keys'));
  await keyStore.ensureActive();
  const receiptKeyStore = KeyStore.open(join(dataDir, 'receipt-keys'), { purpose: 'receipt' });
  await receiptKeyStore.ensureActive();
  const idp = DevIdentityProvider.open(join(dataDir, 'idp'));
  await idp.ensureKey();
  const stores = openExampleStores(join(dataDir, 'examples'));
  stores.ledger.seedDemo();
  const latch = new FaultLatch(join(dataDir, 'latches'));
  const policiesDir = join(dataDir, 'policies');
  cpSync(POLICIES_DIR, policiesDir, { recursive: true });
  const { bundle, file } = await faultBundle();
  const connection = await Connection.connect({ address });
  const client = createWritClient({ connection, namespace, ...(await idp.mintBoundCredential({ principal: 'alice', groups: ['treasury'] })) });
  const workers: FaultWorkerProcess[] = [];
  const baseEnv = {
    WRIT_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    WRIT_TASK_QUEUE: taskQueue,
    WRIT_POLICIES_DIR: policiesDir,
    [FAULT_ENV.latchDir]: latch.dir,
    [FAULT_ENV.bundle]: file,
  };
  return {
    dataDir,
    policiesDir,
    taskQueue,
    namespace,
    latch,
    stores,
    keyStore,
    client,
    async startWorker(options = {}) {
      const worker = await spawnFaultWorker({
        ...baseEnv,
        [FAULT_ENV.hold]: (options.hold ?? []).join(','),
        [FAULT_ENV.fail]: (options.fail ?? []).join(','),
        ...options.env,
      });
      workers.push(worker);
      return worker;
    },
    startTransfer(amountCents, memo) {
      return client.workflow.start('faultTransfer', {
        taskQueue,
        workflowId: memo,
        args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents, memo }],
      });
    },
    async audit(workflowIds, policySets = [policySetEvidence(loadPolicySet(policiesDir))]) {
      const runs = await fetchRuns(client, { workflowIds, related: false });
      return verifyHistories(runs, {
        keys: AuditKeySet.fromKeyRecords([...keyStore.exportKeyRecords(), ...receiptKeyStore.exportKeyRecords()]),
        policySets,
        namespace,
        replay: { bundle },
      });
    },
    transfersWithMemo(memo) {
      return stores.ledger.listTransfers().filter((t) => t.memo === memo).length;
    },
    async close() {
      for (const worker of workers) await worker.kill('SIGKILL');
      await connection.close();
      stores.close();
      if (process.env['WRIT_KEEP_TEST_DATA'] !== '1') rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Spawns the fault worker with `env` and resolves once it serves its task queue. */
export function spawnFaultWorker(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<FaultWorkerProcess> {
  return spawnWorkerProcess(FAULT_WORKER_MAIN, env, readyTimeoutMs);
}

/** The Writ code a failed run ended with (its failure's type), or 'completed'. */
export async function outcomeOf(handle: WorkflowHandle): Promise<string> {
  try {
    await handle.result();
    return 'completed';
  } catch (error) {
    if (error instanceof WorkflowFailedError && error.cause instanceof ApplicationFailure) return error.cause.type ?? 'failed';
    throw error;
  }
}

/** Findings of a verdict as `code: found` lines, so a failing assertion says what was found. */
export function findingsOf(verdict: AuditVerdict): string[] {
  return verdict.runs.flatMap((run) => run.findings.map((f) => `${run.workflowId} event ${f.eventId}: ${f.code}: ${f.found}`));
}
