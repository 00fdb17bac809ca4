import { Worker, type NativeConnection } from '@temporalio/worker';
import type { GovernanceStore } from '../core/governance/governanceStore';
import type { GovernedActions } from '../core/actions/types';
import type { Signer } from '../core/artifact/mintArtifact';
import type { KeyResolver } from '../core/artifact/verify/checkSignature';
import type { PolicySource } from '../core/policy/policySource';
import { WritPlugin, governanceDepsFrom } from '../core/plugin/writPlugin';
import { parseWritPluginOptions, type WritPluginOptions } from '../core/plugin/writPluginOptions';
import type { ArtifactWindowSettings, GovernanceDeps, IdentityCheck } from '../activities/governanceDeps';
import type { EvidenceLog } from '../core/log/evidence/evidenceLog';
import type { GovernedBundle } from './bundleGovernedWorkflows';
import type { AuthorizationMode } from '../core/protocol/authorizeContract';
import type { WritOperatorOptions } from '../core/plugin/writPluginOptions';

/** Everything a governed worker needs; the stores and keys are injected. */
export interface GovernedWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly workflows: GovernedBundle;
  readonly actions: GovernedActions;
  readonly policies: PolicySource;
  /** The authorization signing key. */
  readonly signer: () => Promise<Signer>;
  /** The receipt signing key: a receipt key, never an authorization key. */
  readonly receiptSigner: () => Promise<Signer>;
  readonly trustedKeys: KeyResolver;
  readonly identity: IdentityCheck;
  /** Revocations and the kill switch, shared by every worker of the namespace. */
  readonly governance: GovernanceStore;
  /** Where evidence is written ahead of acting. */
  readonly evidenceLog: EvidenceLog;
  /** Ungoverned activities this worker also serves; each must be named in `exemptActivityNames`. */
  readonly exemptActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
  /** The configuration's `exemptActivities`: the only ungoverned activity names allowed to run. */
  readonly exemptActivityNames?: readonly string[];
  readonly window?: Partial<ArtifactWindowSettings>;
  readonly clock?: () => Date;
  readonly workerBuildId?: string;
  readonly maxConcurrentActivityTaskExecutions?: number;
  /** How the runs this worker starts authorize (the plugin's `authorization`, default `activity`). */
  readonly authorization?: AuthorizationMode;
  /** How operators' statements are verified (the plugin's `operators`: kinds accepted, passkey trust). */
  readonly operators?: WritOperatorOptions;
}

/**
 * A governed worker from a prebuilt bundle: `Worker.create` with one `WritPlugin`, which
 * registers Writ's activities and the governed actions and puts the enforcement
 * interceptor in front of every activity.
 */
export async function createGovernedWorker(options: GovernedWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflows.bundle,
    activities: options.exemptActivities ?? {},
    plugins: [new WritPlugin(pluginOptionsOf(options))],
    ...(options.maxConcurrentActivityTaskExecutions === undefined ? {} : { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions }),
  });
}

/** The dependencies the plugin gives the authorize activity and the enforcement point, for tests and the bench. */
export function governanceDeps(options: Omit<GovernedWorkerOptions, 'connection' | 'namespace' | 'taskQueue'>): GovernanceDeps {
  const settings = parseWritPluginOptions(pluginOptionsOf(options)).worker;
  if (settings === undefined) throw new TypeError('governed worker options always configure a worker');
  return governanceDepsFrom(settings, options.workflows.codeDigest);
}

function pluginOptionsOf(options: Omit<GovernedWorkerOptions, 'connection' | 'namespace' | 'taskQueue'>): WritPluginOptions {
  return {
    actions: options.actions,
    governance: { signer: options.signer, receiptSigner: options.receiptSigner, trustedKeys: options.trustedKeys, identity: options.identity, policies: options.policies, store: options.governance, evidenceLog: options.evidenceLog },
    ...(options.exemptActivityNames === undefined ? {} : { exemptActivities: options.exemptActivityNames }),
    ...(options.window === undefined ? {} : { artifacts: options.window }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.workerBuildId === undefined ? {} : { workerBuildId: options.workerBuildId }),
    ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
    ...(options.operators === undefined ? {} : { operators: options.operators }),
  };
}
