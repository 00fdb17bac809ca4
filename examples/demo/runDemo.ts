import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { EXAMPLE_WORKFLOWS, exampleEnvironment } from '../exampleProject';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { OperatorConsole, WritPlugin, createWritClient, loadConfig, loadTemporalTarget, startDevServer, toConnectionOptions, type DevServer, type PendingApproval } from 'writ-governance';
import { startGovernedWorker } from '../worker/startExampleWorker';
import { DEMO_PRINCIPALS, DEMO_SCENARIOS } from './scenarios';
import { describeSteps } from './describeSteps';

async function waitForPending(operators: OperatorConsole, workflowId: string): Promise<PendingApproval> {
  for (let i = 0; i < 600; i += 1) {
    const pending = await operators.pendingOf(workflowId);
    if (pending !== undefined) return pending;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${workflowId} never came to await approval`);
}

/** Options of the demo (`npm start -- [--keep-serving] [--data-dir D] [--verbose]`). */
export interface DevOptions {
  readonly keepServing: boolean;
  readonly verbose?: boolean;
  readonly dataDir?: string;
}

/**
 * The main job: start the embedded Temporal server (unless Temporal's client configuration
 * names one: TEMPORAL_ADDRESS, a temporal.toml profile) and a governed worker, run the
 * example workflows, and print every governed step.
 */
export async function runDev(options: DevOptions): Promise<number> {
  const config = loadConfig({ env: exampleEnvironment(), ...(options.dataDir === undefined ? {} : { overrides: { dataDir: options.dataDir } }) });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const target = loadTemporalTarget();
  // Every denial is logged by the SDK as a failed activity; the demo prints its own account.
  Runtime.install({ logger: new DefaultLogger(options.verbose ? 'INFO' : 'ERROR') });
  let server: DevServer | undefined;
  if (target.kind === 'embedded') {
    say(`starting the Temporal dev server (data in ${join(config.dataDir, 'temporal')}) ...`);
    server = await startDevServer({
      dataDir: join(config.dataDir, 'temporal'),
      namespace: target.namespace,
      searchAttributes: { WritStatus: 'Keyword', WritPrincipal: 'Keyword' },
    });
    say(`Temporal server at ${server.address}, Web UI at ${server.uiUrl ?? '(headless)'}`);
  } else {
    say(`connecting to Temporal at ${target.connectOptions.address} (namespace ${target.namespace}) ...`);
  }
  try {
    say('bundling workflows and starting a governed worker ...');
    const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
    const bundle = await bundleWorkflowCode({ workflowsPath: EXAMPLE_WORKFLOWS, plugins: [new WritPlugin()], logger: quiet });
    const started = await startGovernedWorker(config, { target, ...(server ? { address: server.address } : {}), bundle });
    started.stores.ledger.seedDemo();
    started.stores.workspace.seedDemo();
    const idp = started.governance.devIdentityProvider;
    if (idp === undefined) throw new Error('the demo mints demo identities and needs the local identity provider (remove `identity` from writ.config.json)');
    const connection = await Connection.connect(toConnectionOptions(target, server?.address));
    // Each principal starts several runs with one credential: a token bound to a key, and a
    // proof of that key with every start.
    const credentials = {
      alice: await idp.mintBoundCredential({ principal: 'alice', groups: [...DEMO_PRINCIPALS.alice] }),
      'support-agent': await idp.mintBoundCredential({ principal: 'support-agent', groups: [...DEMO_PRINCIPALS['support-agent']] }),
    };
    const runId = Date.now().toString(36);
    const operators = new OperatorConsole(createWritClient({ connection, namespace: started.namespace, ...credentials.alice }), idp, {
      namespace: started.namespace,
      controlTaskQueue: config.taskQueue,
    });
    const running = started.worker.run();
    try {
      for (const [index, scenario] of DEMO_SCENARIOS.entries()) {
        const client = createWritClient({ connection, namespace: started.namespace, ...credentials[scenario.principal] });
        const handle = await client.workflow.start(scenario.workflowType, {
          taskQueue: config.taskQueue,
          workflowId: `demo-${runId}-${index + 1}-${scenario.workflowType}`,
          args: [scenario.input],
        });
        say(`\n${index + 1}. ${scenario.title}`);
        // The demo's operators approve what the run comes to await, as `writ approve` would.
        for (const approver of scenario.approvers ?? []) {
          const pending = await waitForPending(operators, handle.workflowId);
          const answer = await operators.decide(handle.workflowId, approver, 'approve', 'demo');
          say(`   ${approver.principal} approved ${pending.action} (${answer.approvals}/${answer.required})`);
        }
        let status = 'completed';
        try {
          await handle.result();
        } catch (error) {
          const cause = (error as { cause?: { type?: string } }).cause;
          status = `failed (${cause?.type ?? (error as Error).message})`;
        }
        say(`   workflow ${handle.workflowId}: ${status}`);
        for (const step of describeSteps(await handle.fetchHistory(), scenario.principal)) {
          say(`   - ${step.action.padEnd(17)} ${step.decision.padEnd(6)} principal=${step.principal} policy=${step.policyVersion} artifact=${step.artifactId}`);
          say(`     ${step.outcome}`);
        }
      }
    } catch (error) {
      started.worker.shutdown();
      await running;
      throw error;
    }
    const ui = server ? `${server.uiUrl ?? '(headless)'}${options.keepServing ? '' : ' (while `npm start -- --keep-serving` runs)'}` : "your cluster's UI";
    say(`\nWhere to look:\n  Temporal Web UI: ${ui} (namespace ${started.namespace}, histories kept in ${server?.dbFile ?? 'the cluster'})\n  data directory:  ${config.dataDir}\n  keys (public set): ${join(config.keysDir, 'jwks.json')}`);
    if (options.keepServing) {
      say('\nserving; press Ctrl-C to stop');
    } else {
      started.worker.shutdown();
    }
    await running;
    await connection.close();
    await started.close();
    return 0;
  } finally {
    await server?.stop();
  }
}
