import { join } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { WritConfig } from '../config/writConfig';
import { openGovernance, type Governance } from '../runtime/openGovernance';
import { loadTemporalTarget, toConnectionOptions, type TemporalTarget } from '../server/temporalTarget';
import { openExampleStores, type ExampleStores } from '../stores/exampleStores';
import { createExampleActions } from '../activities/exampleActions';
import { bundleGovernedWorkflows, type GovernedBundle } from './bundleGovernedWorkflows';
import { createGovernedWorker } from './createGovernedWorker';

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
 * names; `address` is the embedded server's when the target is embedded) and creates a
 * governed worker for the example workflows.
 */
export async function startGovernedWorker(
  config: WritConfig,
  options: { target?: TemporalTarget; address?: string; bundle?: GovernedBundle; workflowsPath?: string } = {},
): Promise<StartedWorker> {
  const target = options.target ?? loadTemporalTarget();
  const connection = await NativeConnection.connect(toConnectionOptions(target, options.address));
  const namespace = target.namespace;
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
