import { Client, type Connection } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createWritClient } from '../../client/createWritClient';
import type { GovernedBundle } from '../../worker/bundleGovernedWorkflows';
import { createGovernedWorker } from '../../worker/createGovernedWorker';
import { createBaselineActivities } from '../benchActions';
import type { BenchGovernance } from '../benchGovernance';

/** The three end-to-end variants, in the order they run and report. */
export const VARIANT_NAMES = ['ungoverned', 'two-activity', 'governed'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

/** Everything the variants share: one server, one connection of each kind, the bundles. */
export interface E2eContext {
  readonly nativeConnection: NativeConnection;
  readonly connection: Connection;
  readonly namespace: string;
  /** The bench workflows without Writ's interceptors (the baselines). */
  readonly plainBundle: WorkflowBundleOption;
  /** The same workflows bundled with Writ's interceptors (the governed variant). */
  readonly governedBundle: GovernedBundle;
  readonly governance: BenchGovernance;
}

/** How one variant runs: its workflow type, its worker and the client that starts it. */
export interface Variant {
  readonly name: VariantName;
  readonly workflowType: string;
  createWorker(taskQueue: string): Promise<Worker>;
  client(): Client;
}

// The same worker tuning for every variant, so only governance differs.
const WORKER_TUNING = { maxConcurrentActivityTaskExecutions: 100 } as const;

/**
 * The variants over one shared context. The baselines register the very same action
 * body as a plain activity on a plain worker; the governed variant is a governed worker
 * built by `createGovernedWorker`, enforcing on the same action, and a client whose
 * starts carry the bench principal's identity token.
 */
export function benchVariants(context: E2eContext): readonly Variant[] {
  const { governance } = context;
  const plainWorker = (taskQueue: string) =>
    Worker.create({
      connection: context.nativeConnection,
      namespace: context.namespace,
      taskQueue,
      workflowBundle: context.plainBundle,
      activities: createBaselineActivities(governance.actions),
      ...WORKER_TUNING,
    });
  const plainClient = () => new Client({ connection: context.connection, namespace: context.namespace });
  return [
    { name: 'ungoverned', workflowType: 'ungovernedSteps', createWorker: plainWorker, client: plainClient },
    { name: 'two-activity', workflowType: 'twoActivitySteps', createWorker: plainWorker, client: plainClient },
    {
      name: 'governed',
      workflowType: 'governedSteps',
      createWorker: (taskQueue) =>
        createGovernedWorker({
          connection: context.nativeConnection,
          namespace: context.namespace,
          taskQueue,
          workflows: context.governedBundle,
          actions: governance.actions,
          policies: governance.policies,
          signer: async () => governance.signer,
          trustedKeys: governance.trustedKeys,
          identity: governance.identity,
          governance: governance.governance,
          workerBuildId: 'writ-bench',
          ...WORKER_TUNING,
        }),
      client: () => createWritClient({ connection: context.connection, namespace: context.namespace, identityToken: governance.identityToken }),
    },
  ];
}
