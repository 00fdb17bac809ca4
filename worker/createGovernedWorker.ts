import { Worker, type NativeConnection } from '@temporalio/worker';
import { ActionRegistry } from '../core/actions/actionRegistry';
import { WritError } from '../core/errors/writError';
import type { GovernanceStore } from '../core/operators/governanceStore';
import type { GovernedActions } from '../core/actions/types';
import type { Signer } from '../core/artifact/mintArtifact';
import type { KeyResolver } from '../core/artifact/verify/checkSignature';
import type { PolicySource } from '../core/policy/policySource';
import { createGovernedActivities } from '../activities/governedActivities';
import type { ArtifactWindowSettings, GovernanceDeps, IdentityCheck } from '../activities/governanceDeps';
import type { GovernedBundle } from './bundleGovernedWorkflows';
import { EnforcementInterceptor } from './enforcementInterceptor';
import { validateWindowSettings } from './windowSettings';

/** Everything a governed worker needs; the stores and keys are injected. */
export interface GovernedWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly workflows: GovernedBundle;
  readonly actions: GovernedActions;
  readonly policies: PolicySource;
  readonly signer: () => Promise<Signer>;
  readonly trustedKeys: KeyResolver;
  readonly identity: IdentityCheck;
  /** Revocations and the kill switch, shared by every worker of the namespace. */
  readonly governance: GovernanceStore;
  /** Ungoverned activities this worker also serves; each must be named in `exemptActivityNames`. */
  readonly exemptActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
  /** The configuration's `exemptActivities`: the only ungoverned activity names allowed to run. */
  readonly exemptActivityNames?: readonly string[];
  readonly window?: Partial<ArtifactWindowSettings>;
  readonly clock?: () => Date;
  readonly workerBuildId?: string;
  readonly maxConcurrentActivityTaskExecutions?: number;
}

/**
 * Creates a worker on which every governed action is enforced: Writ's activities plus
 * one activity per declared action, the enforcement interceptor in front of all of
 * them, and workflow code bundled with Writ's workflow interceptors.
 */
export async function createGovernedWorker(options: GovernedWorkerOptions): Promise<Worker> {
  const deps = governanceDeps(options);
  const exempt = options.exemptActivities ?? {};
  const exemptNames = new Set(options.exemptActivityNames ?? []);
  for (const name of Object.keys(exempt)) {
    if (deps.registry.has(name) || name.startsWith('writ.')) throw new WritError('CONFIG_INVALID', `exempt activity "${name}" collides with a governed or Writ activity`);
    // Fail at start, not at run time: an ungoverned activity must be declared by name.
    if (!exemptNames.has(name)) throw new WritError('CONFIG_INVALID', `activity "${name}" is not governed; declare it in exemptActivities to run it on a governed worker`);
  }
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflows.bundle,
    activities: { ...createGovernedActivities(deps), ...exempt },
    interceptors: { activity: [(ctx) => ({ inbound: new EnforcementInterceptor(ctx, deps, exemptNames) })] },
    ...(options.maxConcurrentActivityTaskExecutions === undefined ? {} : { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions }),
  });
}

/** The dependencies shared by the authorize activity and the enforcement point. */
export function governanceDeps(options: Omit<GovernedWorkerOptions, 'connection' | 'namespace' | 'taskQueue'>): GovernanceDeps {
  return {
    registry: new ActionRegistry(options.actions),
    governance: options.governance,
    policies: options.policies,
    identity: options.identity,
    signer: options.signer,
    trustedKeys: options.trustedKeys,
    clock: options.clock ?? (() => new Date()),
    window: validateWindowSettings(options.window ?? {}),
    environment: { workerBuildId: options.workerBuildId ?? 'writ-dev', codeDigest: options.workflows.codeDigest },
  };
}
