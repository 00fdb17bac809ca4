import { join } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { WritConfig } from '../../core/config/writConfig';
import { openGovernance, type Governance } from '../../core/runtime/openGovernance';
import { toConnectionOptions, targetNamespace } from '../../core/server/temporalTarget';
import { openExampleStores, type ExampleStores } from '../exampleStores';
import { createExampleActions } from '../exampleActions';
import { bundleGovernedWorkflows, type GovernedBundle } from '../../worker/bundleGovernedWorkflows';
import { createGovernedWorker } from '../../worker/createGovernedWorker';

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
 * Connects to the configured Temporal server (`address` is the embedded server's when
 * the target is embedded) and creates a governed worker for the example workflows.
 */
export async function startGovernedWorker(
  config: WritConfig,
  options: { address?: string; bundle?: GovernedBundle; workflowsPath?: string } = {},
): Promise<StartedWorker> {
  const connection = await NativeConnection.connect(toConnectionOptions(config.temporal, options.address));
  const namespace = targetNamespace(config.temporal);
  const governance = await openGovernance(config);
  const stores = openExampleStores(join(config.dataDir, 'examples'));
  const workflows = options.bundle ?? (await bundleGovernedWorkflows(options.workflowsPath ?? require.resolve('../workflows')));
  const worker = await createGovernedWorker({
    connection,
    namespace,
    taskQueue: config.taskQueue,
    workflows,
    actions: createExampleActions(stores),
    policies: governance.policies,
    signer: governance.signer,
    trustedKeys: governance.trustedKeys,
    identity: governance.identity,
    governance: governance.store,
    window: config.artifacts,
    exemptActivityNames: config.exemptActivities,
    workerBuildId: config.workerBuildId,
  });
  return {
    worker,
    governance,
    stores,
    connection,
    namespace,
    async close() {
      governance.close();
      stores.close();
      await connection.close();
    },
  };
}
