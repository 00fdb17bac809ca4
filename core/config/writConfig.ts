import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { WritError, type WritIssue } from '../errors/writError';
import { IdentityVerifierConfigSchema, type ResolvedIdentityVerifierConfig } from '../identity/identityVerifier';
import { SignerConfigSchema, type SignerConfig } from '../keys/signerConfig';
import type { Assert, SameType } from '../types/sameType';
import type { ArtifactWindowSettings } from '../../activities/governanceDeps';
import { JWKS_FILE } from '../keys/keyStoreManifest';
import { AUTHORIZATION_MODES, type AuthorizationMode } from '../protocol/authorizeContract';
import { WRIT_ROLES, type WritRole } from './writRole';
import { ArtifactWindowSchema } from '../../worker/windowSettings';
import { EvidenceLogConfigSchema, DEFAULT_EVIDENCE_LOG, type DirectoryEvidenceLogConfig, type PostgresEvidenceLogConfig } from '../log/evidence/evidenceLogConfig';
import { McpConfigSchema, type McpConfig } from './mcpConfig';
import { GovernanceStoreConfigSchema, DEFAULT_GOVERNANCE_STORE, type GovernanceStoreConfig } from '../governance/governanceStoreConfig';
import { ConsoleConfigSchema, DEFAULT_CONSOLE_CONFIG, type ConsoleConfig } from './consoleConfig';
import { OPERATOR_STATEMENT_KINDS, OperatorStatementKindsSchema, type OperatorStatementKind } from '../operators/operatorStatementKinds';

/** The configuration file Writ reads from the project directory, when present. */
export const CONFIG_FILE = 'writ.config.json';

/**
 * Writ's configuration. Every field has a safe default for the embedded development
 * set-up; trusting a real identity provider is the one `identity` change. Where Writ
 * connects is not here: it is Temporal's own client configuration (`TEMPORAL_ADDRESS`,
 * temporal.toml; see server/temporalTarget.ts), and with none Writ starts its embedded server.
 */
export const WritConfigSchema = z.strictObject({
  /** Where the embedded server's SQLite file, keys and example stores live. */
  dataDir: z.string().min(1).default('.writ'),
  taskQueue: z.string().min(1).default('writ-governed'),
  /** What this host's workers do: decide (authorizer), enforce and act (executor), or both (all). */
  role: z.enum(WRIT_ROLES).default('all'),
  /** The task queue `writ.authorize` is served on (default: `taskQueue`). */
  authorizerTaskQueue: z.string().min(1).optional(),
  /** How a role-all worker's runs authorize: as an activity of its own (default) or a local activity. */
  authorization: z.enum(AUTHORIZATION_MODES).default('activity'),
  policiesDir: z.string().min(1).default('policies'),
  /** The authorization key directory (default `<dataDir>/keys`). */
  keysDir: z.string().min(1).optional(),
  /** Where the authorization key is: the key directory (default) or a PKCS#11 token. */
  signer: SignerConfigSchema.default({ kind: 'local' }),
  /** An executor's receipt key directory (default `<dataDir>/receipt-keys`). */
  receiptKeysDir: z.string().min(1).optional(),
  /** The authorization keys' published key set an executor trusts (default for role executor: `<keysDir>/jwks.json`). */
  trustedKeysFile: z.string().min(1).optional(),
  /** The identity provider to trust (default: the local development provider). */
  identity: IdentityVerifierConfigSchema.optional(),
  /** Where revocations, the kill switch and single-use state live (default: SQLite under dataDir). */
  governanceStore: GovernanceStoreConfigSchema.default(DEFAULT_GOVERNANCE_STORE),
  /** Where every governed step's evidence is written ahead of acting (default: a log directory under dataDir). */
  evidenceLog: EvidenceLogConfigSchema.default(DEFAULT_EVIDENCE_LOG),
  artifacts: ArtifactWindowSchema.default({ ttlSeconds: 60, clockSkewSeconds: 5, maxLifetimeSeconds: 900, statementMaxAgeSeconds: 300 }).refine(
    (window) => window.ttlSeconds <= window.maxLifetimeSeconds,
    { message: 'ttlSeconds must not exceed maxLifetimeSeconds', path: ['ttlSeconds'] },
  ),
  /** Ungoverned activities allowed on a governed worker, by name. */
  exemptActivities: z.array(z.string().min(1)).default([]),
  workerBuildId: z.string().min(1).default('writ-dev'),
  /** Upstream MCP servers whose tools `writ mcp` serves as governed actions (default none). */
  mcp: McpConfigSchema.default({ upstreams: [] }),
  /** The operator console: its OpenID provider, or the development one and its accounts. */
  console: ConsoleConfigSchema.default(DEFAULT_CONSOLE_CONFIG),
  /** How workers verify operators' statements: the kinds they accept (default both; production: `["passkey"]`). */
  operators: z.strictObject({ statements: OperatorStatementKindsSchema.default([...OPERATOR_STATEMENT_KINDS]) }).default({ statements: [...OPERATOR_STATEMENT_KINDS] }),
});

/**
 * Validated configuration with every path made absolute, as `loadConfig` returns it. (The
 * type `WritConfigSchema` checks, written out, with `projectRoot` added and the key
 * directories resolved.)
 */
export interface WritConfig {
  /** The project directory `writ.config.json` was looked for in. */
  readonly projectRoot: string;
  /** Where the embedded server's SQLite file, keys and example stores live (default `.writ`). */
  dataDir: string;
  /** The task queue governed workers poll (default `writ-governed`). */
  taskQueue: string;
  /** What this host's workers do (default `all`: authorize, enforce and act, as in development). */
  role: WritRole;
  /** The task queue `writ.authorize` is served on: the authorizer's (default `taskQueue`). */
  readonly authorizerTaskQueue: string;
  /**
   * How the runs a worker of role `all` starts authorize (default `activity`): `local` runs
   * each `writ.authorize` as a local activity on that worker (see WritPluginOptions.authorization).
   */
  authorization: AuthorizationMode;
  /** The policy set directory (default `policies`). */
  policiesDir: string;
  /** The authorization key directory: the keys artifacts are signed with (default `<dataDir>/keys`). */
  readonly keysDir: string;
  /** Where the authorization key is: `{ kind: 'local' }` (the key directory, default) or a PKCS#11 token. */
  signer: SignerConfig;
  /** The receipt key directory: the keys an executor signs receipts with (default `<dataDir>/receipt-keys`). */
  readonly receiptKeysDir: string;
  /**
   * The authorization keys' published key set the enforcement point trusts, instead of the
   * key directory (default: none, except `<keysDir>/jwks.json` for role `executor`).
   */
  trustedKeysFile?: string | undefined;
  /** The identity provider to trust; absent, the local development provider is trusted. */
  identity?: ResolvedIdentityVerifierConfig | undefined;
  /** Where fleet-wide governance state lives (default: `<dataDir>/governance.sqlite`; PostgreSQL for many hosts). */
  governanceStore: GovernanceStoreConfig;
  /**
   * The evidence log (default: the directory `<dataDir>/log` with its key `<dataDir>/log.key`,
   * made on first start in development); `{ kind: 'off' }` logs nothing.
   */
  readonly evidenceLog: ResolvedEvidenceLogConfig;
  /** Artifact window limits (defaults: 60 s lifetime, 5 s skew, at most 900 s) and operator statements' freshness (default 300 s). */
  artifacts: ArtifactWindowSettings;
  /** Ungoverned activities allowed on a governed worker, by name (default none). */
  exemptActivities: string[];
  /** Recorded in every artifact's environment claims (default `writ-dev`). */
  workerBuildId: string;
  /** Upstream MCP servers whose tools are governed actions of `writ mcp` and the governed worker (default none). */
  mcp: McpConfig;
  /** The operator console (default: the development OpenID provider with the examples' operators). */
  console: ConsoleConfig;
  /**
   * How workers verify operators' statements (approvals, denials, revocations, the kill
   * switch): `statements`, the kinds accepted, `passkey` and `identity-provider` by default
   * so that `writ approve` works in development; `["passkey"]` in production, where a
   * statement the identity provider signed is STATEMENT_KIND_REFUSED.
   */
  operators: { statements: OperatorStatementKind[] };
}
type _WritConfigIsTheSchemas = Assert<
  SameType<
    Omit<WritConfig, 'evidenceLog'>,
    Omit<z.output<typeof WritConfigSchema>, 'evidenceLog'> & { readonly projectRoot: string; readonly keysDir: string; readonly receiptKeysDir: string; readonly authorizerTaskQueue: string }
  >
>;
type _EvidenceLogIsTheSchemas = Assert<SameType<z.output<typeof EvidenceLogConfigSchema>, DirectoryEvidenceLogConfig | PostgresEvidenceLogConfig | { kind: 'off' }>>;

/** The evidence log's configuration with the directory and key file made absolute. */
export type ResolvedEvidenceLogConfig = ((DirectoryEvidenceLogConfig | PostgresEvidenceLogConfig) & { readonly dir: string; readonly keyFile: string }) | { readonly kind: 'off' };

/** Environment variables that override single settings (handy in CI and scripts). */
const ENV_OVERRIDES: Record<string, (raw: Record<string, unknown>, value: string) => void> = {
  WRIT_DATA_DIR: (raw, value) => (raw['dataDir'] = value),
  WRIT_TASK_QUEUE: (raw, value) => (raw['taskQueue'] = value),
  WRIT_POLICIES_DIR: (raw, value) => (raw['policiesDir'] = value),
  WRIT_KEYS_DIR: (raw, value) => (raw['keysDir'] = value),
  // A connection URL from the environment selects PostgreSQL (a deployment's usual way).
  WRIT_GOVERNANCE_STORE_URL: (raw, value) => (raw['governanceStore'] = { kind: 'postgres', url: value }),
  WRIT_RECEIPT_KEYS_DIR: (raw, value) => (raw['receiptKeysDir'] = value),
  WRIT_ROLE: (raw, value) => (raw['role'] = value),
  WRIT_AUTHORIZER_TASK_QUEUE: (raw, value) => (raw['authorizerTaskQueue'] = value),
  WRIT_AUTHORIZATION: (raw, value) => (raw['authorization'] = value),
  WRIT_TRUSTED_KEYS_FILE: (raw, value) => (raw['trustedKeysFile'] = value),
};

const TEMPORAL_MIGRATION =
  'set TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (with TEMPORAL_API_KEY or TEMPORAL_TLS_* for a secured server), or a temporal.toml profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), as for the Temporal CLI; with none of them Writ starts its embedded dev server';

/**
 * Settings Writ once read and no longer does: where to connect is Temporal's client
 * configuration now. Each is refused with the way over, never silently ignored.
 */
function legacyTemporalSettings(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): WritIssue[] {
  const issues: WritIssue[] = [];
  if ('temporal' in raw) {
    issues.push({ path: 'temporal', message: `writ.config.json no longer names the Temporal server: remove "temporal" and ${TEMPORAL_MIGRATION}` });
  }
  for (const [name, replacement] of [['WRIT_TEMPORAL_ADDRESS', 'TEMPORAL_ADDRESS'], ['WRIT_NAMESPACE', 'TEMPORAL_NAMESPACE']] as const) {
    if (env[name] !== undefined && env[name] !== '') {
      issues.push({ path: name, message: `${name} is no longer read: set ${replacement} instead (Temporal's client configuration, read as the Temporal CLI reads it)` });
    }
  }
  return issues;
}

/**
 * Loads `writ.config.json` from `projectRoot` (if present) with environment overrides,
 * validates it strictly and resolves paths. Problems are CONFIG_INVALID listing each.
 */
export function loadConfig(options: { projectRoot?: string; file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {}): WritConfig {
  const projectRoot = resolve(options.projectRoot ?? process.cwd());
  const file = options.file ?? join(projectRoot, CONFIG_FILE);
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new WritError('CONFIG_INVALID', `${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new WritError('CONFIG_INVALID', `${file} must hold a JSON object`);
    }
    raw = parsed as Record<string, unknown>;
  } else if (options.file !== undefined) {
    throw new WritError('CONFIG_INVALID', `configuration file ${file} does not exist`);
  }
  const env = options.env ?? process.env;
  for (const [name, apply] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== '') apply(raw, value);
  }
  Object.assign(raw, options.overrides ?? {});
  const legacy = legacyTemporalSettings(raw, env);
  const { temporal: _temporal, ...rest } = raw;
  const parsed = WritConfigSchema.safeParse(rest);
  const issues = [...legacy, ...(parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })))];
  if (!parsed.success || issues.length > 0) {
    throw new WritError('CONFIG_INVALID', `configuration is invalid:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`, { issues });
  }
  const at = (path: string) => (isAbsolute(path) ? path : join(projectRoot, path));
  const dataDir = at(parsed.data.dataDir);
  const keysDir = parsed.data.keysDir === undefined ? join(dataDir, 'keys') : at(parsed.data.keysDir);
  const role = parsed.data.role;
  const authorizerTaskQueue = parsed.data.authorizerTaskQueue ?? parsed.data.taskQueue;
  const roleIssues = roleSettingsIssues(role, parsed.data.taskQueue, authorizerTaskQueue, parsed.data.authorization);
  if (roleIssues.length > 0) {
    throw new WritError('CONFIG_INVALID', `configuration is invalid:\n${roleIssues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, { issues: roleIssues });
  }
  if (parsed.data.evidenceLog.kind === 'postgres' && parsed.data.governanceStore.kind !== 'postgres') {
    const issue = { path: 'evidenceLog.kind', message: 'a log sequenced in PostgreSQL is sequenced in the governance store: configure governanceStore with kind "postgres"' };
    throw new WritError('CONFIG_INVALID', `configuration is invalid:\n  ${issue.path}: ${issue.message}`, { issues: [issue] });
  }
  const trustedKeysFile = parsed.data.trustedKeysFile === undefined ? (role === 'executor' ? join(keysDir, JWKS_FILE) : undefined) : at(parsed.data.trustedKeysFile);
  const store = parsed.data.governanceStore;
  const log = parsed.data.evidenceLog;
  const evidenceLog: ResolvedEvidenceLogConfig =
    log.kind === 'off' ? log : { ...log, dir: log.dir === undefined ? join(dataDir, 'log') : at(log.dir), keyFile: log.keyFile === undefined ? join(dataDir, 'log.key') : at(log.keyFile) };
  return {
    ...parsed.data,
    projectRoot,
    dataDir,
    governanceStore: store.kind === 'sqlite' && store.file !== undefined ? { ...store, file: at(store.file) } : store,
    policiesDir: at(parsed.data.policiesDir),
    keysDir,
    receiptKeysDir: parsed.data.receiptKeysDir === undefined ? join(dataDir, 'receipt-keys') : at(parsed.data.receiptKeysDir),
    authorizerTaskQueue,
    evidenceLog,
    ...(trustedKeysFile === undefined ? {} : { trustedKeysFile }),
  };
}

/**
 * An executor and an authorizer cannot share a task queue: each would be handed the
 * other's tasks, which it does not serve (in role `all` one worker serves both); and only
 * role `all` may authorize locally.
 */
function roleSettingsIssues(role: WritRole, taskQueue: string, authorizerTaskQueue: string, authorization: AuthorizationMode): WritIssue[] {
  const issues: WritIssue[] = [];
  if (role === 'executor' && authorizerTaskQueue === taskQueue) {
    issues.push({ path: 'authorizerTaskQueue', message: `an executor sends authorization to the authorizer's own task queue: set authorizerTaskQueue (WRIT_AUTHORIZER_TASK_QUEUE) to a queue other than taskQueue "${taskQueue}"` });
  }
  // A local authorization runs on the workflow's worker, which must then hold the authorization key.
  if (authorization === 'local' && role !== 'all') {
    issues.push({ path: 'authorization', message: `role ${role} cannot authorize locally: only a worker of role all holds the authorization key and runs the workflows` });
  }
  return issues;
}
