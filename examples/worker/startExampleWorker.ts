import { join } from 'node:path';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { WritPlugin, loadTemporalTarget, openGovernance, toConnectionOptions, type Governance, type TemporalTarget, type WritConfig } from 'writ-governance';
import { openExampleStores, type ExampleStores } from '../exampleStores';
import { createExampleActions } from '../exampleActions';
import { EXAMPLE_WORKFLOWS } from '../exampleProject';

/** A running example worker and what it holds open. */
export interface StartedWorker {
  readonly worker: Worker;
  readonly governance: Governance;
  readonly stores: ExampleStores;
  readonly connection: NativeConnection;
  readonly namespace: string;
  close(): Promise<void>;
}

/**
 * Connects to the Temporal target (`target`, else the one Temporal's client configuration
 * names; `address` is the embedded server's when the target is embedded) and starts a worker for the example workflows with one
 * WritPlugin: it bundles the workflows with Writ's interceptors (or takes a bundle made
 * with the plugin), registers the governed actions and enforces every one.
 */
export async function startGovernedWorker(
  config: WritConfig,
  options: { target?: TemporalTarget; address?: string; bundle?: WorkflowBundleOption } = {},
): Promise<StartedWorker> {
  const target = options.target ?? loadTemporalTarget();
  const connection = await NativeConnection.connect(toConnectionOptions(target, options.address));
  const namespace = target.namespace;
  const governance = await openGovernance(config);
  const stores = openExampleStores(join(config.dataDir, 'examples'));
  const writ = new WritPlugin({
    actions: createExampleActions(stores),
    governance,
    exemptActivities: config.exemptActivities,
    artifacts: config.artifacts,
    workerBuildId: config.workerBuildId,
  });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: config.taskQueue,
    ...(options.bundle === undefined ? { workflowsPath: EXAMPLE_WORKFLOWS } : { workflowBundle: options.bundle }),
    plugins: [writ],
  });
  return {
    worker,
    governance,
    stores,
    connection,
    namespace,
    async close() {
      await governance.close();
      stores.close();
      await connection.close();
    },
  };
}
