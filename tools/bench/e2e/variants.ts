import { Client, type Connection } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createWritClient } from '../../../core/client/createWritClient';
import type { GovernedBundle } from '../../../worker/bundleGovernedWorkflows';
import { createGovernedWorker } from '../../../worker/createGovernedWorker';
import { createBaselineActivities, createSameBytesActivities, type SameBytesSizes } from '../benchActions';
import type { BenchGovernance } from '../benchGovernance';
import type { BenchWorkflowRequest } from '../workflows';

/** The four end-to-end variants, in the order they run and report. */
export const VARIANT_NAMES = ['ungoverned', 'two-activity', 'two-activity-same-bytes', 'governed'] as const;
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
  /** What a governed step records beyond the two-activity step, for `two-activity-same-bytes`. */
  readonly sameBytes: SameBytesSizes;
}

/** How one variant runs: its workflow type, its worker and the client that starts it. */
export interface Variant {
  readonly name: VariantName;
  readonly workflowType: string;
  /** The start argument of each of its workflows. */
  startRequest(steps: number): BenchWorkflowRequest;
  createWorker(taskQueue: string): Promise<Worker>;
  client(): Client;
}

/** The governed variant's workflow type (the same-bytes sample is minted for a run of it). */
export const GOVERNED_WORKFLOW_TYPE = 'governedSteps';

// The same worker tuning for every variant, so only governance differs.
const WORKER_TUNING = { maxConcurrentActivityTaskExecutions: 100 } as const;

/**
 * The variants over one shared context. The baselines register the very same action
 * body as a plain activity on a plain worker (`two-activity-same-bytes` with the padded
 * preflight and result of createSameBytesActivities); the governed variant is a governed worker
 * built by `createGovernedWorker`, enforcing on the same action, and a client whose
 * starts carry the bench principal's identity token.
 */
export function benchVariants(context: E2eContext): readonly Variant[] {
  const { governance } = context;
  const plainWorker = (activities: () => object) => (taskQueue: string) =>
    Worker.create({
      connection: context.nativeConnection,
      namespace: context.namespace,
      taskQueue,
      workflowBundle: context.plainBundle,
      activities: activities(),
      ...WORKER_TUNING,
    });
  const baselineWorker = plainWorker(() => createBaselineActivities(governance.actions));
  const plainClient = () => new Client({ connection: context.connection, namespace: context.namespace });
  const stepsOnly = (steps: number): BenchWorkflowRequest => ({ steps });
  return [
    { name: 'ungoverned', workflowType: 'ungovernedSteps', startRequest: stepsOnly, createWorker: baselineWorker, client: plainClient },
    { name: 'two-activity', workflowType: 'twoActivitySteps', startRequest: stepsOnly, createWorker: baselineWorker, client: plainClient },
    {
      name: 'two-activity-same-bytes',
      workflowType: 'twoActivitySameBytesSteps',
      startRequest: (steps) => ({ steps, sameBytes: context.sameBytes }),
      createWorker: plainWorker(() => createSameBytesActivities(context.sameBytes, governance.actions)),
      client: plainClient,
    },
    {
      name: 'governed',
      workflowType: GOVERNED_WORKFLOW_TYPE,
      startRequest: stepsOnly,
      createWorker: (taskQueue) =>
        createGovernedWorker({
          connection: context.nativeConnection,
          namespace: context.namespace,
          taskQueue,
          workflows: context.governedBundle,
          actions: governance.actions,
          policies: governance.policies,
          signer: async () => governance.signer,
          receiptSigner: async () => governance.receiptSigner,
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
