import { z } from 'zod';
import { ActionRegistry } from '../actions/actionRegistry';
import type { GovernedActions } from '../actions/types';
import type { Signer } from '../artifact/mintArtifact';
import type { KeyResolver } from '../artifact/verify/checkSignature';
import { WritError, type WritIssue } from '../errors/writError';
import type { GovernanceStore } from '../operators/governanceStore';
import type { PolicySource } from '../policy/policySource';
import type { ArtifactWindowSettings, IdentityCheck } from '../../activities/governanceDeps';
import { ArtifactWindowSchema } from '../../worker/windowSettings';

/**
 * The trust material a governed worker decides and enforces with: the authorization
 * signing key, the receipt signing key, the trusted public keys, the identity provider,
 * the policy set and the governance store. `openGovernance(loadConfig())` opens all of it
 * from `writ.config.json`.
 */
export interface WritGovernance {
  /** The authorization signing key (re-read on rotation). */
  readonly signer: () => Promise<Signer>;
  /** The receipt signing key, a receipt key distinct from every authorization key (re-read on rotation). */
  readonly receiptSigner: () => Promise<Signer>;
  /** The public keys artifacts must be signed by. */
  readonly trustedKeys: KeyResolver;
  /** Verifies initiators' identity tokens and operators' signed statements. */
  readonly identity: IdentityCheck;
  /** The active Cedar policy set. */
  readonly policies: PolicySource;
  /** Revocations and the kill switch, shared by every worker of the namespace. */
  readonly store: GovernanceStore;
}

/** What `new WritPlugin(...)` takes. A client needs only `identityToken`; a worker needs `actions` and `governance`. */
export interface WritPluginOptions {
  /** The caller's identity token (or a function returning a fresh one), added to every workflow start. */
  readonly identityToken?: string | (() => string);
  /** The governed actions this worker serves, declared with `defineAction`. */
  readonly actions?: GovernedActions;
  /** Keys, identity, policy and governance store (see `openGovernance`). */
  readonly governance?: WritGovernance;
  /** Ungoverned activities this worker may also serve, by name. Every other activity is refused. */
  readonly exemptActivities?: readonly string[];
  /** Artifact window limits (defaults: 60 s lifetime, 5 s skew, at most 900 s). */
  readonly artifacts?: Partial<ArtifactWindowSettings>;
  /** Recorded in every artifact's environment claims (default `writ-dev`). */
  readonly workerBuildId?: string;
  /** The clock Writ decides and enforces by (tests inject one). */
  readonly clock?: () => Date;
}

/** The worker half of validated plugin settings. */
export interface WritWorkerSettings {
  readonly registry: ActionRegistry;
  readonly governance: WritGovernance;
  readonly exemptActivities: readonly string[];
  readonly artifacts: ArtifactWindowSettings;
  readonly workerBuildId: string;
  readonly clock: () => Date;
}

/** Validated plugin settings. */
export interface WritPluginSettings {
  readonly identityToken: (() => string) | undefined;
  readonly worker: WritWorkerSettings | undefined;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const hasMethods = (...names: string[]) => (value: unknown) =>
  typeof value === 'object' && value !== null && names.every((name) => isFunction((value as Record<string, unknown>)[name]));

// Loose: openGovernance's result (keyStore, close, ...) is given as it is; only these are used.
const GovernanceSchema = z.looseObject({
  signer: z.custom<() => Promise<Signer>>(isFunction, 'must be a function returning the signing key'),
  receiptSigner: z.custom<() => Promise<Signer>>(isFunction, 'must be a function returning the receipt signing key (openGovernance opens <dataDir>/receipt-keys)'),
  trustedKeys: z.custom<KeyResolver>(hasMethods('get', 'purposeOf'), 'must be a trusted key set (TrustedKeySet, or the trustedKeys openGovernance returns)'),
  identity: z.custom<IdentityCheck>(hasMethods('verify', 'verifyStatement'), 'must be an identity verifier (IdentityVerifier)'),
  policies: z.custom<PolicySource>(hasMethods('current'), 'must be a policy source (PolicySource)'),
  store: z.custom<GovernanceStore>(hasMethods('requireStanding'), 'must be a governance store (GovernanceStore)'),
});

const OptionsSchema = z
  .strictObject({
    identityToken: z.union([z.string().min(1), z.custom<() => string>(isFunction)], { error: 'must be a non-empty string or a function returning one' }).optional(),
    actions: z.record(z.string(), z.custom<GovernedActions[string]>(hasMethods('execute'), 'must be declared with defineAction')).optional(),
    governance: GovernanceSchema.optional(),
    exemptActivities: z.array(z.string().min(1)).optional(),
    artifacts: ArtifactWindowSchema.partial().optional(),
    workerBuildId: z.string().min(1).optional(),
    clock: z.custom<() => Date>(isFunction, 'must be a function returning a Date').optional(),
  })
  .refine((options) => (options.actions === undefined) === (options.governance === undefined), {
    message: 'a worker needs both `actions` and `governance`; a client needs neither',
    path: ['governance'],
  });

/**
 * Validates plugin options when the plugin is constructed: every problem is listed at once
 * as `CONFIG_INVALID` issues (zod's paths), nothing is checked later for the first time.
 */
export function parseWritPluginOptions(options: WritPluginOptions): WritPluginSettings {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) throw invalid(parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })));
  const { identityToken, actions, governance, exemptActivities = [], artifacts = {}, workerBuildId = 'writ-dev', clock } = options;
  const token = identityToken === undefined ? undefined : typeof identityToken === 'string' ? () => identityToken : identityToken;
  if (actions === undefined || governance === undefined) return { identityToken: token, worker: undefined };
  const window = ArtifactWindowSchema.parse(artifacts);
  const issues: WritIssue[] = [];
  if (window.ttlSeconds > window.maxLifetimeSeconds) issues.push({ path: 'artifacts.ttlSeconds', message: 'must not exceed maxLifetimeSeconds' });
  for (const name of exemptActivities) {
    if (name in actions || name.startsWith('writ.')) issues.push({ path: 'exemptActivities', message: `"${name}" is a governed action or one of Writ's activities` });
  }
  let registry: ActionRegistry | undefined;
  try {
    registry = new ActionRegistry(actions);
  } catch (error) {
    issues.push({ path: 'actions', message: (error as Error).message });
  }
  if (issues.length > 0 || registry === undefined) throw invalid(issues);
  return {
    identityToken: token,
    worker: {
      registry,
      governance: { signer: governance.signer, receiptSigner: governance.receiptSigner, trustedKeys: governance.trustedKeys, identity: governance.identity, policies: governance.policies, store: governance.store },
      exemptActivities,
      artifacts: window,
      workerBuildId,
      clock: clock ?? (() => new Date()),
    },
  };
}

function invalid(issues: WritIssue[]): WritError {
  return new WritError('CONFIG_INVALID', `WritPlugin settings are invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, { issues });
}
