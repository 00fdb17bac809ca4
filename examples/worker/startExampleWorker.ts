import { join } from 'node:path';
import type { NativeConnection, Worker, WorkflowBundleOption } from '@temporalio/worker';
import { startWritWorker, type Governance, type TemporalTarget, type WritConfig, type WritRole } from 'writ-governance';
import { openExampleStores, type ExampleStores } from '../exampleStores';
import { createExampleActions } from '../exampleActions';
import { EXAMPLE_WORKFLOWS } from '../exampleProject';

/** A running example worker and what it holds open. */
export interface StartedWorker {
  readonly worker: Worker;
  readonly role: WritRole;
  /** The task queue it polls (the authorizer task queue, for an authorizer). */
  readonly taskQueue: string;
  readonly governance: Governance;
  readonly stores: ExampleStores;
  readonly connection: NativeConnection;
  readonly namespace: string;
  close(): Promise<void>;
}

/**
 * Connects to the Temporal target (`target`, else the one Temporal's client configuration
 * names; `address` is the embedded server's when the target is embedded) and starts a
 * worker for the example projects in the configured role (`startWritWorker`, one
 * WritPlugin): it bundles the workflows with Writ's interceptors (or takes a bundle made
 * with the plugin), registers the governed actions and enforces every one. The example
 * stores live in `<dataDir>/examples`; an authorizer reads them to derive resources.
 */
export async function startGovernedWorker(
  config: WritConfig,
  options: { target?: TemporalTarget; address?: string; bundle?: WorkflowBundleOption } = {},
): Promise<StartedWorker> {
  const stores = openExampleStores(join(config.dataDir, 'examples'));
  const started = await startWritWorker(
    { actions: createExampleActions(stores), workflowsPath: EXAMPLE_WORKFLOWS, close: () => stores.close() },
    {
      config,
      ...(options.target === undefined ? {} : { target: options.target }),
      ...(options.address === undefined ? {} : { address: options.address }),
      ...(options.bundle === undefined ? {} : { workflowBundle: options.bundle }),
    },
  );
  return {
    worker: started.worker,
    role: started.role,
    taskQueue: started.taskQueue,
    governance: started.governance,
    stores,
    connection: started.connection,
    namespace: started.namespace,
    close: () => started.close(),
  };
}
