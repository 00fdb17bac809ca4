import { Client, type Connection } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createWritClient } from '../../../core/client/createWritClient';
import type { GovernanceStore } from '../../../core/governance/governanceStore';
import type { GovernedBundle } from '../../../worker/bundleGovernedWorkflows';
import { createGovernedWorker } from '../../../worker/createGovernedWorker';
import { createBaselineActivities, createSameBytesActivities, type SameBytesSizes } from '../benchActions';
import type { BenchGovernance } from '../benchGovernance';
import type { BenchWorkflowRequest } from '../workflows';
import { NO_EVIDENCE_LOG, type EvidenceLog } from '../../../core/log/evidence/evidenceLog';
import type { AuthorizationMode } from '../../../core/protocol/authorizeContract';

/** The end-to-end variants, in the order they run and report. */
export const VARIANT_NAMES = ['ungoverned', 'two-activity', 'two-activity-same-bytes', 'governed', 'governed-local', 'governed-log-off', 'governed-postgres'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];
/** The variant that needs PostgreSQL: left out of a run with `--no-postgres`. */
export const POSTGRES_VARIANT = 'governed-postgres' as const;
/** The variants every run has. */
export type SqliteVariantName = Exclude<VariantName, typeof POSTGRES_VARIANT>;

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
  /** The PostgreSQL governance store `governed-postgres` consults; undefined leaves that variant out. */
  readonly postgresStore?: GovernanceStore | undefined;
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
 * starts carry the bench principal's identity token, writing every artifact and receipt
 * ahead to the evidence log; `governed-local` is that worker set to authorize as local
 * activities (`authorization: 'local'`), so the two tell what a recorded activity of its own
 * costs over a marker in the workflow task; `governed-log-off` is the governed worker with the log turned off
 * (`evidenceLog: { kind: 'off' }`), so the two tell what write-ahead evidence costs.
 * `governed-postgres` is the governed worker and client with the PostgreSQL governance
 * store in place of the SQLite file, when the context has one.
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
  const governedVariant = (
    name: GovernedVariantName,
    store: GovernanceStore,
    evidenceLog: EvidenceLog = governance.evidenceLog,
    authorization: AuthorizationMode = 'activity',
  ): Variant => governedBenchVariant(context, name, store, evidenceLog, authorization);
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
    governedVariant('governed', governance.governance),
    governedVariant('governed-local', governance.governance, governance.evidenceLog, 'local'),
    governedVariant('governed-log-off', governance.governance, NO_EVIDENCE_LOG),
    ...(context.postgresStore === undefined ? [] : [governedVariant(POSTGRES_VARIANT, context.postgresStore)]),
  ];
}

/** The governed variants' names. */
export type GovernedVariantName = 'governed' | 'governed-local' | 'governed-log-off' | typeof POSTGRES_VARIANT;

/**
 * One governed variant: a governed worker and a client carrying the bench principal's
 * identity token; the variants differ only in the governance store, the evidence log and
 * the authorization mode. Exported so a run of the audit alone (`--only audit`) records
 * its history with the very worker the governed variant uses.
 */
export function governedBenchVariant(
  context: Pick<E2eContext, 'nativeConnection' | 'connection' | 'namespace' | 'governedBundle' | 'governance'>,
  name: GovernedVariantName,
  store: GovernanceStore,
  evidenceLog: EvidenceLog = context.governance.evidenceLog,
  authorization: AuthorizationMode = 'activity',
): Variant {
  const { governance } = context;
  return {
    name,
    workflowType: GOVERNED_WORKFLOW_TYPE,
    startRequest: (steps) => ({ steps }),
    createWorker: (taskQueue) =>
      createGovernedWorker({
        connection: context.nativeConnection,
        namespace: context.namespace,
        taskQueue,
        workflows: context.governedBundle,
        actions: governance.actions,
        policies: governance.policies,
        // The variant's own store and log replace the shared ones.
        ...governance.workerTrust(),
        governance: store,
        evidenceLog,
        authorization,
        ...WORKER_TUNING,
      }),
    client: () => createWritClient({ connection: context.connection, namespace: context.namespace, identityToken: governance.identityToken, proofKey: governance.proofKey }),
  };
}
