import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { clientConfigToToml } from '@temporalio/envconfig';
import { createWritClient } from '../../core/client/createWritClient';
import { WRIT_ERROR_CODES } from '../../core/errors/writError';
import { KeyStore } from '../../core/keys/keyStore';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { openExampleStores } from '../../examples/exampleStores';
import { loadPolicySet } from '../../core/policy/policySet';
import { startDevServer, type DevServer } from '../../core/server/devServer';
import { findTemporalCli } from '../../core/server/findTemporalCli';
import { bundleGovernedWorkflows } from '../../worker/bundleGovernedWorkflows';
import { installRuntimeLogging } from '../../worker/runtimeLogging';
import { AuditKeySet, fetchRuns, policySetEvidence, verifyHistories } from '../../core/audit';
import { judgeSideEffects, type Ending } from './judgeSideEffects';
import { planKinds } from './planKinds';
import type { SoakReport } from './soakReport';
import type { SoakOptions } from './soakOptions';
import { chooseSoakStore, openSoakStore, type SoakStore } from './soakStore';
import { SOAK_BUNDLE_ENV } from './soakWorker';
import { spawnWorkerProcess, type WorkerProcess } from '../../worker/workerProcess';
import type { SoakTransferInput } from './soakWorkflows';
import { EXAMPLE_POLICIES_DIR } from '../../examples/exampleProject';

const PROJECT_ROOT = path.resolve(__dirname, '../../..');
const POLICIES_DIR = EXAMPLE_POLICIES_DIR;
const WORKER_SCRIPT = path.join(__dirname, 'soakWorker.js');
const SOAK_WORKFLOWS = require.resolve('./soakWorkflows');

/** The Writ code anywhere in a failure's cause chain (the workflow's or its activity's). */
function writCodeOf(error: unknown): string | undefined {
  for (let cause: unknown = error; cause instanceof Error; cause = (cause as Error).cause) {
    if (cause instanceof ApplicationFailure && typeof cause.type === 'string' && (WRIT_ERROR_CODES as readonly string[]).includes(cause.type)) return cause.type;
    if (!(cause instanceof TemporalFailure) && !(cause instanceof WorkflowFailedError)) break;
  }
  return undefined;
}

/**
 * Runs the soak: its own dev server and data directory, `workers` governed worker processes
 * on one task queue, sharing the governance store `store` names (the SQLite file, or a
 * throw-away PostgreSQL the soak starts), N workflows (a fraction denied by policy, a
 * fraction tampering) at the given concurrency, the first worker SIGKILLed once a third
 * of the workflows have started and restarted at once. Then every history is fetched and
 * audited (replay included), and the side-effect store is compared with what the histories prove.
 */
export async function runSoak(options: SoakOptions, command: string, progress: (line: string) => void): Promise<SoakReport> {
  const storeChoice = chooseSoakStore(options.store);
  const startedAt = new Date();
  installRuntimeLogging('ERROR');
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'writ-soak-'));
  const keyStore = KeyStore.open(path.join(dataDir, 'keys'));
  await keyStore.ensureActive();
  const receiptKeyStore = KeyStore.open(path.join(dataDir, 'receipt-keys'), { purpose: 'receipt' });
  await receiptKeyStore.ensureActive();
  const idp = DevIdentityProvider.open(path.join(dataDir, 'idp'));
  await idp.ensureKey();
  const stores = openExampleStores(path.join(dataDir, 'examples'));
  stores.ledger.seedDemo();
  progress('bundling the soak workflows');
  const bundle = await bundleGovernedWorkflows(SOAK_WORKFLOWS);
  const bundleFile = path.join(dataDir, 'soak-workflows.js');
  fs.writeFileSync(bundleFile, (bundle.bundle as { code: string }).code);

  let server: DevServer | undefined;
  let connection: Connection | undefined;
  let store: SoakStore | undefined;
  const workers: WorkerProcess[] = [];
  try {
    if (options.store === 'postgres') progress('starting a throw-away PostgreSQL for the governance store');
    store = await openSoakStore(storeChoice, dataDir);
    progress(`starting a Temporal dev server in ${path.join(dataDir, 'temporal')}`);
    server = await startDevServer({
      dataDir: path.join(dataDir, 'temporal'),
      cliPath: findTemporalCli(options.temporalCli === undefined ? { projectRoot: PROJECT_ROOT } : { configured: options.temporalCli }),
      headless: true,
      searchAttributes: { WritStatus: 'Keyword', WritPrincipal: 'Keyword' },
    });
    const taskQueue = `writ-soak-${options.seed}`;
    // The workers find the soak's server as any Temporal tool would: a temporal.toml profile.
    // Inherited TEMPORAL_* variables are blanked (empty counts as unset), so a shell pointed
    // at some cluster cannot redirect them.
    const temporalToml = path.join(dataDir, 'temporal.toml');
    fs.writeFileSync(temporalToml, clientConfigToToml({ profiles: { soak: { address: server.address, namespace: server.namespace } } }));
    const inheritedTemporal = Object.keys(process.env).filter((name) => name.startsWith('TEMPORAL_'));
    const env = {
      ...Object.fromEntries(inheritedTemporal.map((name) => [name, ''])),
      TEMPORAL_CONFIG_FILE: temporalToml,
      TEMPORAL_PROFILE: 'soak',
      WRIT_DATA_DIR: dataDir,
      WRIT_TASK_QUEUE: taskQueue,
      WRIT_POLICIES_DIR: POLICIES_DIR,
      ...store.workerEnv,
      [SOAK_BUNDLE_ENV]: bundleFile,
    };
    let workersStarted = 0;
    const startWorker = async () => {
      workersStarted += 1;
      return spawnWorkerProcess(WORKER_SCRIPT, env);
    };
    for (let i = 0; i < options.workers; i += 1) workers.push(await startWorker());
    progress(`${options.workers} worker processes serving ${taskQueue}, governance store: ${options.store}`);

    connection = await Connection.connect({ address: server.address });
    // One credential for every run: a token bound to a key, each start with its own proof.
    const client: Client = createWritClient({ connection, namespace: server.namespace, ...(await idp.mintBoundCredential({ principal: 'alice', groups: ['treasury'], ttlSeconds: 3600 })) });
    const kinds = planKinds(options);
    const ids = kinds.map((kind, i) => `soak-${options.seed}-${String(i).padStart(5, '0')}-${kind}`);
    const endings = new Map<string, Ending>();
    const killAt = Math.max(1, Math.floor(options.workflows / 3));
    let killedAfter = -1;
    let restartedAfter = -1;
    let crash: Promise<void> = Promise.resolve();
    let next = 0;
    let started = 0;

    const runOne = async (index: number) => {
      const kind = kinds[index]!;
      const workflowId = ids[index]!;
      const input: SoakTransferInput = {
        fromAccount: 'acct-treasury',
        toAccount: 'acct-bob',
        amountCents: kind === 'deny' ? 2_000_000 : 100 + (index % 400),
        memo: workflowId,
      };
      const handle = await client.workflow.start(kind === 'tamper' ? 'soakTamper' : 'soakTransfer', { taskQueue, workflowId, args: [input] });
      started += 1;
      if (started === killAt) {
        // The crash: SIGKILL mid-run with steps in flight, then a replacement at once.
        killedAfter = started;
        crash = (async () => {
          await workers[0]!.kill('SIGKILL');
          progress(`worker 1 SIGKILLed after ${killedAfter} workflows started`);
          workers[0] = await startWorker();
          restartedAfter = started;
          progress(`worker 1 restarted (${restartedAfter} workflows started by then)`);
        })();
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.workflowTimeoutSeconds * 1000)));
      try {
        const outcome = await Promise.race([handle.result().then(() => 'completed' as const), timeout]);
        endings.set(workflowId, outcome === 'timeout' ? { kind: 'lost' } : { kind: 'completed' });
      } catch (error) {
        const code = writCodeOf(error);
        endings.set(workflowId, code === undefined ? { kind: 'failed', reason: (error as Error).message } : { kind: 'denied', code });
      } finally {
        clearTimeout(timer);
      }
    };

    progress(`running ${options.workflows} workflows, ${options.concurrency} at a time`);
    const runStarted = Date.now();
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, options.workflows) }, async () => {
        for (let index = next++; index < options.workflows; index = next++) await runOne(index);
      }),
    );
    await crash;
    progress(`all workflows ended in ${((Date.now() - runStarted) / 1000).toFixed(1)} s`);
    for (const worker of workers) await worker.kill('SIGTERM');

    progress(`fetching and auditing ${ids.length} histories`);
    const auditStarted = Date.now();
    const runs = await fetchRuns(client, { workflowIds: ids, related: false, maxRuns: ids.length });
    const verdict = await verifyHistories(runs, {
      keys: AuditKeySet.fromKeyRecords([...keyStore.exportKeyRecords(), ...receiptKeyStore.exportKeyRecords()]),
      policySets: [policySetEvidence(loadPolicySet(POLICIES_DIR))],
      namespace: server.namespace,
      replay: { bundle },
    });
    const auditSeconds = (Date.now() - auditStarted) / 1000;

    const transfers = stores.ledger.listTransfers();
    const judged = judgeSideEffects(ids, kinds, endings, verdict, transfers.map((t) => t.memo ?? ''));
    const findingsByCode: Record<string, number> = {};
    for (const run of verdict.runs) for (const finding of run.findings) findingsByCode[finding.code] = (findingsByCode[finding.code] ?? 0) + 1;
    const count = (kind: Ending['kind']) => [...endings.values()].filter((e) => e.kind === kind).length;
    const deniedByCode: Record<string, number> = {};
    for (const ending of endings.values()) if (ending.kind === 'denied') deniedByCode[ending.code] = (deniedByCode[ending.code] ?? 0) + 1;
    const lost = count('lost') + judged.missingHistories;
    const storeReport = await store.report();
    return {
      schema: 'writ-soak/1',
      command,
      startedAt: startedAt.toISOString(),
      durationSeconds: round((Date.now() - startedAt.getTime()) / 1000),
      config: {
        workflows: options.workflows,
        concurrency: options.concurrency,
        denyFraction: options.denyFraction,
        tamperFraction: options.tamperFraction,
        seed: options.seed,
        workers: options.workers,
        store: options.store,
      },
      store: storeReport,
      planned: { permit: kinds.filter((k) => k === 'permit').length, deny: kinds.filter((k) => k === 'deny').length, tamper: kinds.filter((k) => k === 'tamper').length },
      started,
      completed: count('completed'),
      denied: count('denied'),
      failed: count('failed'),
      lost,
      unauthorized: judged.unauthorized,
      duplicates: judged.duplicates,
      unexpected: judged.unexpected,
      deniedByCode,
      sideEffects: transfers.length,
      workerKill: { killedAfterStarted: killedAfter, restartedAfterStarted: restartedAfter, workersStarted },
      audit: {
        runs: verdict.runs.length,
        artifactsVerified: verdict.artifactsVerified,
        receiptsVerified: verdict.receiptsVerified ?? 0,
        findings: verdict.findings,
        findingsByCode,
        replayPassed: verdict.runs.filter((r) => r.replay === 'passed').length,
        durationSeconds: round(auditSeconds),
      },
      passed: lost === 0 && judged.unauthorized === 0 && judged.duplicates === 0,
    };
  } finally {
    for (const worker of workers) await worker.kill('SIGKILL');
    await connection?.close();
    stores.close();
    await server?.stop();
    await store?.close();
    if (options.dataDir === undefined && !options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

