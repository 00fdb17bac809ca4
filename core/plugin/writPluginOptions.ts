import { z } from 'zod';
import { ActionRegistry } from '../actions/actionRegistry';
import type { GovernedActions } from '../actions/types';
import type { Signer } from '../artifact/mintArtifact';
import type { KeyResolver } from '../artifact/verify/checkSignature';
import { WritError, type WritIssue } from '../errors/writError';
import type { GovernanceStore } from '../governance/governanceStore';
import type { PolicySource } from '../policy/policySource';
import type { ArtifactWindowSettings, IdentityCheck } from '../../activities/governanceDeps';
import { ArtifactWindowSchema } from '../../worker/windowSettings';
import { WRIT_ROLES, type WritRole } from '../config/writRole';
import type { EvidenceLog } from '../log/evidence/evidenceLog';
import { proofKeyIssues, type ProofKey } from '../identity/proofKey';
import { AUTHORIZATION_MODES, type AuthorizationMode } from '../protocol/authorizeContract';
import { DEFAULT_OPERATOR_STATEMENT_KINDS, OperatorStatementKindsSchema, type OperatorStatementKind } from '../operators/operatorStatementKinds';
import { DEFAULT_PASSKEY_TRUST, PasskeyTrustSchema, type PasskeyTrust } from '../passkeys/passkeyTrust';

/**
 * The trust material a governed worker decides and enforces with: the authorization
 * signing key, the receipt signing key, the trusted public keys, the identity provider,
 * the policy set and the governance store. Which keys it holds depends on the worker's
 * role: an authorizer holds `signer` and no receipt key; an executor `receiptSigner` and
 * `trustedKeys`, never `signer`; role `all` all three. `openGovernance(loadConfig())` opens
 * what the configured role holds from `writ.config.json`.
 */
export interface WritGovernance {
  /** The authorization signing key (re-read on rotation): roles `all` and `authorizer`. */
  readonly signer?: (() => Promise<Signer>) | undefined;
  /** The receipt signing key, a receipt key distinct from every authorization key (re-read on rotation): roles `all` and `executor`. */
  readonly receiptSigner?: (() => Promise<Signer>) | undefined;
  /** The authorization keys artifacts must be signed by: roles `all` and `executor`. */
  readonly trustedKeys?: KeyResolver | undefined;
  /** Verifies initiators' identity tokens and operators' signed statements. */
  readonly identity: IdentityCheck;
  /** The active Cedar policy set. */
  readonly policies: PolicySource;
  /** Revocations and the kill switch, shared by every worker of the namespace. */
  readonly store: GovernanceStore;
  /**
   * Where every artifact, denial, operator statement and receipt is durably sequenced
   * before the step goes on (`openGovernance` opens the configured one; `<dataDir>/log` by default).
   */
  readonly evidenceLog: EvidenceLog;
}

/** What `new WritPlugin(...)` takes. A client needs only `identityToken`; a worker needs `actions` and `governance`. */
export interface WritPluginOptions {
  /** The caller's identity token (or a function returning a fresh one), added to every workflow start. */
  readonly identityToken?: string | (() => string);
  /**
   * The key `identityToken` is bound to (its `cnf.jkt`): every workflow start then also
   * carries a fresh proof of possession over that start (see `mintBoundCredential`).
   */
  readonly proofKey?: ProofKey;
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
  /**
   * What the worker does (default `all`): `authorizer` serves only `writ.authorize` (no
   * workflows, no action bodies) on the authorizer task queue; `executor` runs the
   * workflows, the enforcement point, the action bodies and Writ's other activities, and
   * sends authorization to `authorizerTaskQueue`; `all` does both on one task queue.
   */
  readonly role?: WritRole;
  /**
   * The task queue `writ.authorize` is served on (default: the worker's own). An executor
   * must name its authorizer's, another queue than its own; an authorizer's worker polls it.
   */
  readonly authorizerTaskQueue?: string;
  /**
   * How the runs this worker starts authorize (default `activity`): `activity` schedules
   * each `writ.authorize` as an activity of its own; `local` runs it as a local activity
   * on this worker, recorded as a marker in the workflow task that asked for it, without a
   * round trip through the server's task queues. Only role `all` may choose `local`: the
   * workflow's worker then holds the authorization key (CONFIG_INVALID for an executor,
   * which must not, and for an authorizer, which runs no workflows). The mode is told to
   * each run by its identity check, so a run keeps the mode it started with.
   */
  readonly authorization?: AuthorizationMode;
  /**
   * How operators' statements (approvals, denials, revocations, kill-switch changes) are
   * verified: which kinds are accepted (`statements`, default both: `passkey` and
   * `identity-provider`; production sets `['passkey']`, and a JWT statement is then
   * STATEMENT_KIND_REFUSED) and where passkey assertions may come from (`passkeyTrust`: the
   * console's RP id and origins, as `console.passkeys` configures them; default the
   * console on localhost, any port).
   */
  readonly operators?: WritOperatorOptions;
}

/** How a worker verifies operators' statements (WritPluginOptions `operators`). */
export interface WritOperatorOptions {
  /** The kinds of statement accepted (default both; at least one, each once). */
  readonly statements?: readonly OperatorStatementKind[];
  /** The RP id and origins passkey assertions must come from (default: `localhost`, any port). */
  readonly passkeyTrust?: PasskeyTrust;
}

/** The keys a worker runs with, each present or standing in with a refusal. */
export interface ResolvedGovernance {
  readonly signer: () => Promise<Signer>;
  readonly receiptSigner: () => Promise<Signer>;
  readonly trustedKeys: KeyResolver;
  readonly identity: IdentityCheck;
  readonly policies: PolicySource;
  readonly store: GovernanceStore;
  readonly evidenceLog: EvidenceLog;
}

/** The worker half of validated plugin settings. */
export interface WritWorkerSettings {
  readonly role: WritRole;
  /** The authorizer task queue, when one was named. */
  readonly authorizerTaskQueue: string | undefined;
  /** How the runs this worker starts authorize. */
  readonly authorization: AuthorizationMode;
  readonly registry: ActionRegistry;
  readonly governance: ResolvedGovernance;
  readonly exemptActivities: readonly string[];
  readonly artifacts: ArtifactWindowSettings;
  readonly workerBuildId: string;
  readonly clock: () => Date;
  /** The operator statements accepted, and the passkey trust they are verified with. */
  readonly operators: { readonly statements: readonly OperatorStatementKind[]; readonly passkeyTrust: PasskeyTrust };
}

/** Validated plugin settings. */
export interface WritPluginSettings {
  readonly identityToken: (() => string) | undefined;
  readonly proofKey: ProofKey | undefined;
  readonly worker: WritWorkerSettings | undefined;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const hasMethods = (...names: string[]) => (value: unknown) =>
  typeof value === 'object' && value !== null && names.every((name) => isFunction((value as Record<string, unknown>)[name]));

// Loose: openGovernance's result (keyStore, close, ...) is given as it is; only these are used.
const GovernanceSchema = z.looseObject({
  signer: z.custom<() => Promise<Signer>>(isFunction, 'must be a function returning the signing key').optional(),
  receiptSigner: z.custom<() => Promise<Signer>>(isFunction, 'must be a function returning the receipt signing key (openGovernance opens <dataDir>/receipt-keys)').optional(),
  trustedKeys: z.custom<KeyResolver>(hasMethods('get', 'purposeOf'), 'must be a trusted key set (TrustedKeySet, or the trustedKeys openGovernance returns)').optional(),
  identity: z.custom<IdentityCheck>(hasMethods('verify', 'verifyStatement'), 'must be an identity verifier (IdentityVerifier)'),
  policies: z.custom<PolicySource>(hasMethods('current'), 'must be a policy source (PolicySource)'),
  store: z.custom<GovernanceStore>(hasMethods('requireStanding'), 'must be a governance store (GovernanceStore)'),
  evidenceLog: z.custom<EvidenceLog>(hasMethods('append', 'close'), 'must be an evidence log (the evidenceLog openGovernance returns; configure { kind: "off" } to log nothing)'),
});

const OptionsSchema = z
  .strictObject({
    identityToken: z.union([z.string().min(1), z.custom<() => string>(isFunction)], { error: 'must be a non-empty string or a function returning one' }).optional(),
    proofKey: z
      .custom<ProofKey>()
      .superRefine((value, context) => {
        for (const issue of proofKeyIssues(value)) context.addIssue({ code: 'custom', path: issue.path === '(root)' ? [] : [issue.path], message: issue.message });
      })
      .optional(),
    actions: z.record(z.string(), z.custom<GovernedActions[string]>(hasMethods('execute'), 'must be declared with defineAction')).optional(),
    governance: GovernanceSchema.optional(),
    exemptActivities: z.array(z.string().min(1)).optional(),
    artifacts: ArtifactWindowSchema.partial().optional(),
    workerBuildId: z.string().min(1).optional(),
    clock: z.custom<() => Date>(isFunction, 'must be a function returning a Date').optional(),
    role: z.enum(WRIT_ROLES).optional(),
    authorizerTaskQueue: z.string().min(1).max(256).optional(),
    authorization: z.enum(AUTHORIZATION_MODES).optional(),
    operators: z.strictObject({ statements: OperatorStatementKindsSchema.optional(), passkeyTrust: PasskeyTrustSchema.optional() }).optional(),
  })
  .refine((options) => (options.actions === undefined) === (options.governance === undefined), {
    message: 'a worker needs both `actions` and `governance`; a client needs neither',
    path: ['governance'],
  })
  .refine((options) => options.proofKey === undefined || options.identityToken !== undefined, {
    message: 'a proof key proves possession for an identity token: give the identityToken bound to it',
    path: ['proofKey'],
  });

/**
 * Validates plugin options when the plugin is constructed: every problem is listed at once
 * as `CONFIG_INVALID` issues (zod's paths), nothing is checked later for the first time.
 */
export function parseWritPluginOptions(options: WritPluginOptions): WritPluginSettings {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) throw invalid(parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })));
  const { identityToken, proofKey, actions, governance, exemptActivities = [], artifacts = {}, workerBuildId = 'writ-dev', clock, role = 'all', authorizerTaskQueue, authorization = 'activity', operators = {} } = options;
  const token = identityToken === undefined ? undefined : typeof identityToken === 'string' ? () => identityToken : identityToken;
  if (actions === undefined || governance === undefined) return { identityToken: token, proofKey, worker: undefined };
  const window = ArtifactWindowSchema.parse(artifacts);
  const issues: WritIssue[] = [];
  if (window.ttlSeconds > window.maxLifetimeSeconds) issues.push({ path: 'artifacts.ttlSeconds', message: 'must not exceed maxLifetimeSeconds' });
  for (const name of exemptActivities) {
    if (name in actions || name.startsWith('writ.')) issues.push({ path: 'exemptActivities', message: `"${name}" is a governed action or one of Writ's activities` });
  }
  issues.push(...roleIssues(role, governance, exemptActivities));
  if (authorization === 'local' && role !== 'all') {
    issues.push({
      path: 'authorization',
      message:
        role === 'executor'
          ? 'an executor cannot authorize locally: a local authorization runs on the workflow\'s worker, which would then hold the authorization key; keep authorization "activity" (on the authorizer) or run role all'
          : 'an authorizer runs no workflows, so no local authorization: set authorization "local" on the workers of role all that run the workflows',
    });
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
    proofKey,
    worker: {
      role,
      authorizerTaskQueue,
      authorization,
      registry,
      governance: {
        signer: governance.signer ?? refusingSigner('an executor holds no authorization key: writ.authorize runs on the authorizer'),
        receiptSigner: governance.receiptSigner ?? refusingSigner('an authorizer holds no receipt key: actions run on the executors'),
        trustedKeys: governance.trustedKeys ?? NO_TRUSTED_KEYS,
        identity: governance.identity,
        policies: governance.policies,
        store: governance.store,
        evidenceLog: governance.evidenceLog,
      },
      exemptActivities,
      artifacts: window,
      workerBuildId,
      clock: clock ?? (() => new Date()),
      operators: { statements: operators.statements ?? DEFAULT_OPERATOR_STATEMENT_KINDS, passkeyTrust: operators.passkeyTrust ?? DEFAULT_PASSKEY_TRUST },
    },
  };
}

/**
 * Which keys each role holds, and nothing more: an executor that held the authorization
 * key could authorize its own actions, an authorizer that held a receipt key could attest
 * to executions it never ran.
 */
function roleIssues(role: WritRole, governance: WritGovernance, exemptActivities: readonly string[]): WritIssue[] {
  const issues: WritIssue[] = [];
  const authorizes = role !== 'executor';
  const executes = role !== 'authorizer';
  if (authorizes && governance.signer === undefined) issues.push({ path: 'governance.signer', message: `role ${role} signs authorization artifacts: give the authorization signing key` });
  if (!authorizes && governance.signer !== undefined) issues.push({ path: 'governance.signer', message: 'an executor holds no authorization key: open its governance for role executor (openGovernance with role "executor")' });
  if (executes && governance.receiptSigner === undefined) issues.push({ path: 'governance.receiptSigner', message: `role ${role} signs receipts: give the receipt signing key (openGovernance opens <dataDir>/receipt-keys)` });
  if (!executes && governance.receiptSigner !== undefined) issues.push({ path: 'governance.receiptSigner', message: 'an authorizer holds no receipt key: open its governance for role authorizer' });
  if (executes && governance.trustedKeys === undefined) issues.push({ path: 'governance.trustedKeys', message: `role ${role} verifies artifacts: give the authorization keys' public set` });
  if (!executes && exemptActivities.length > 0) issues.push({ path: 'exemptActivities', message: 'an authorizer serves writ.authorize alone: run other activities on an executor' });
  return issues;
}

/** Stands in for a key the role does not hold: every use is refused, SIGNER_UNAVAILABLE. */
function refusingSigner(reason: string): () => Promise<Signer> {
  return () => Promise.reject(new WritError('SIGNER_UNAVAILABLE', reason));
}

/** An authorizer's trust: it verifies no artifact, so it trusts no key. */
const NO_TRUSTED_KEYS: KeyResolver = {
  get: (kid) => {
    throw new WritError('ARTIFACT_KEY_UNKNOWN', `key "${kid}" is not trusted: an authorizer enforces nothing`);
  },
  purposeOf: (kid) => {
    throw new WritError('ARTIFACT_KEY_UNKNOWN', `key "${kid}" is not trusted: an authorizer enforces nothing`);
  },
};

function invalid(issues: WritIssue[]): WritError {
  return new WritError('CONFIG_INVALID', `WritPlugin settings are invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, { issues });
}
