import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { cedarConsoleAccess } from '../../../console/access/consoleAccess';
import { startConsole } from '../../../console/consoleServer';
import { loadIdentityEvidence } from '../../../core/audit/evidence/identityEvidence';
import { policySetEvidence } from '../../../core/audit/evidence/policySetEvidence';
import { AuditKeySet } from '../../../core/audit/keys/auditKeySet';
import { fetchRuns } from '../../../core/audit/live/fetchRuns';
import { verifyHistories } from '../../../core/audit/verifyHistories';
import { createWritClient } from '../../../core/client/createWritClient';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../../core/identity/devIdentityProvider';
import { startDevOidcProvider, type RunningDevOidcProvider } from '../../../core/oidc/devOidcProvider';
import { OperatorConsole } from '../../../core/operators/operatorConsole';
import { PolicySource } from '../../../core/policy/policySource';
import { createExampleActions } from '../../../examples/exampleActions';
import { openExampleStores } from '../../../examples/exampleStores';
import { bundleGovernedWorkflows } from '../../../worker/bundleGovernedWorkflows';
import { createGovernedWorker } from '../../../worker/createGovernedWorker';
import type { BenchGovernance } from '../benchGovernance';
import { projectRoot } from '../projectRoot';
import { round, summarize } from '../stats';
import { signInWithCookies } from './signInWithCookies';

/** One request's latency, in milliseconds. */
export interface ConsoleLatency {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

/** The console case: the pending list with many approvals waiting, against what it is made of. */
export interface ConsoleReport {
  /** Runs waiting for approval while the pages were timed. */
  readonly pending: number;
  /** Timed requests per path, after `warmupRequests` untimed ones. */
  readonly requests: number;
  readonly warmupRequests: number;
  /** The pending page (`GET /`): Cedar `viewPending`, the visibility list (each run's pending view in its memo), the page. */
  readonly page: ConsoleLatency;
  /** The live list the page polls (`GET /api/pending`). */
  readonly live: ConsoleLatency;
  /** `OperatorConsole.pending()` called in the bench's process: the Temporal part alone. */
  readonly pendingCall: ConsoleLatency;
  /** The console's stylesheet (`GET /assets/console.css`): the HTTP server alone. */
  readonly asset: ConsoleLatency;
}

/** Where the server is, and how much to do. */
export interface ConsoleBenchOptions {
  readonly address: string;
  readonly namespace: string;
  readonly pending: number;
  readonly requests: number;
}

const EXAMPLE_POLICIES = path.join(projectRoot(), 'examples', 'policies');
const WORKFLOWS_MODULE = require.resolve('./consoleBenchWorkflows');
const TREASURER = { principal: 'alice', groups: ['treasury', 'ops'] };

/**
 * Measures the console's pending list with `pending` transfers each waiting for two
 * approvals (the examples' workflows, actions and policy set, on a governed worker in this
 * process), served by a real console whose operator signed in through the development
 * OpenID provider's code flow. Timed, interleaved: the page, its live list, the bare
 * `OperatorConsole.pending()` call it is built on, and a static asset of the same server.
 */
export async function runConsoleBench(governance: BenchGovernance, dataDir: string, options: ConsoleBenchOptions, progress: (line: string) => void): Promise<ConsoleReport> {
  const dir = path.join(dataDir, 'console');
  const idp = DevIdentityProvider.open(path.join(dataDir, 'idp'));
  const stores = openExampleStores(path.join(dir, 'stores'));
  stores.ledger.seedDemo();
  const policies = PolicySource.load(EXAMPLE_POLICIES);
  const nativeConnection = await NativeConnection.connect({ address: options.address });
  const connection = await Connection.connect({ address: options.address });
  const taskQueue = `writ-bench-console-${randomUUID().slice(0, 8)}`;
  progress('console: bundling the examples\' workflows');
  const workflows = await bundleGovernedWorkflows(WORKFLOWS_MODULE);
  const worker = await createGovernedWorker({
    connection: nativeConnection,
    namespace: options.namespace,
    taskQueue,
    workflows,
    actions: createExampleActions(stores),
    policies,
    ...governance.workerTrust(),
  });
  const running = worker.run();
  const operatorClient = new Client({ connection, namespace: options.namespace });
  const operators = new OperatorConsole(operatorClient, idp, { namespace: options.namespace, controlTaskQueue: taskQueue, controlWorkflowId: `writ-control-${taskQueue}` });
  let provider: RunningDevOidcProvider | undefined;
  const started: string[] = [];
  const consoleServer = await startConsole({
    operations: Object.assign(operators, {
      audit: async (workflowId: string) =>
        verifyHistories(await fetchRuns(operatorClient, { workflowIds: [workflowId], related: true }), {
          keys: AuditKeySet.fromKeyRecords(governance.keyRecords()),
          policySets: [policySetEvidence(policies.current().policySet)],
          namespace: options.namespace,
          identity: await loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: idp.jwksPath }),
          replay: false,
        }),
    }),
    access: cedarConsoleAccess(policies, options.namespace),
    passkeys: governance.governance,
    evidenceLog: governance.workerTrust().evidenceLog,
    allowInsecureProvider: true,
    relyingParty: async (redirectUri) => {
      provider = await startDevOidcProvider({
        idpDir: path.join(dir, 'oidc'),
        accounts: [{ principal: 'olivia', groups: ['operators'] }],
        clients: [{ clientId: 'writ-console', clientSecret: 'bench-console-secret', redirectUris: [redirectUri] }],
      });
      return { issuer: provider.issuer, clientId: 'writ-console', clientSecret: 'bench-console-secret' };
    },
  });
  const client = createWritClient({ connection, namespace: options.namespace, ...(await idp.mintBoundCredential({ principal: TREASURER.principal, groups: TREASURER.groups, ttlSeconds: 3600 })) });
  try {
    progress(`console: starting ${options.pending} transfers that each wait for two approvals`);
    const prefix = `bench-console-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < options.pending; i += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, options.pending - i) }, async (_, j) => {
          const workflowId = `${prefix}-${i + j}`;
          await client.workflow.start('transferFunds', { taskQueue, workflowId, args: [{ fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 }] });
          started.push(workflowId);
        }),
      );
    }
    const waitStarted = Date.now();
    let waiting = 0;
    while ((waiting = (await operators.pending()).filter((run) => run.workflowId.startsWith(prefix)).length) < options.pending) {
      if (Date.now() - waitStarted > 300_000) throw new Error(`only ${waiting} of ${options.pending} transfers reached their approval after 5 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    progress(`console: ${waiting} approvals pending; signing olivia in through the OpenID provider`);
    const cookie = await signInWithCookies(consoleServer.url, 'olivia');
    const get = async (pathname: string, mustContain: string): Promise<number> => {
      const at = process.hrtime.bigint();
      const response = await fetch(`${consoleServer.url}${pathname}`, { headers: { cookie }, redirect: 'manual' });
      const body = await response.text();
      const ms = Number(process.hrtime.bigint() - at) / 1e6;
      if (response.status !== 200 || !body.includes(mustContain)) throw new Error(`GET ${pathname} answered HTTP ${response.status} without ${mustContain}: ${body.slice(0, 300)}`);
      return ms;
    };
    const lastId = `${prefix}-${options.pending - 1}`;
    const sides = [
      { call: () => get('/', lastId), sample: [] as number[] },
      { call: () => get('/api/pending', lastId), sample: [] as number[] },
      {
        call: async () => {
          const at = process.hrtime.bigint();
          const runs = await operators.pending();
          if (runs.length < options.pending) throw new Error(`pending() listed ${runs.length} runs`);
          return Number(process.hrtime.bigint() - at) / 1e6;
        },
        sample: [] as number[],
      },
      { call: () => get('/assets/console.css', 'color-scheme'), sample: [] as number[] },
    ];
    const warmupRequests = Math.ceil(options.requests / 8);
    progress(`console: ${warmupRequests} warm-up requests each, then ${options.requests} timed, interleaved`);
    for (let i = 0; i < warmupRequests; i += 1) for (const side of sides) await side.call();
    for (let i = 0; i < options.requests; i += 1) {
      for (let j = 0; j < sides.length; j += 1) {
        const side = sides[(i + j) % sides.length]!;
        side.sample.push(await side.call());
      }
    }
    const latency = (sample: number[]): ConsoleLatency => {
      const summary = summarize(sample);
      return { p50: round(summary.p50, 2), p99: round(summary.p99, 2), mean: round(summary.mean, 2) };
    };
    const [page, live, pendingCall, asset] = sides.map((side) => latency(side.sample)) as [ConsoleLatency, ConsoleLatency, ConsoleLatency, ConsoleLatency];
    progress(`console: page p50 ${page.p50} ms, live list p50 ${live.p50} ms, pending() p50 ${pendingCall.p50} ms, asset p50 ${asset.p50} ms`);
    return { pending: options.pending, requests: options.requests, warmupRequests, page, live, pendingCall, asset };
  } finally {
    for (const workflowId of started) await client.workflow.getHandle(workflowId).terminate('bench over').catch(() => undefined);
    await consoleServer.stop();
    await provider?.stop();
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    policies.close();
  }
}
