import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { WritError } from '../errors/writError';
import { TemporalTargetSchema } from '../server/temporalTarget';
import { IdentityVerifierConfigSchema } from '../identity/identityVerifier';
import { ArtifactWindowSchema } from '../../worker/windowSettings';

/** The configuration file Writ reads from the project directory, when present. */
export const CONFIG_FILE = 'writ.config.json';

/**
 * Writ's configuration. Every field has a safe default for the embedded development
 * set-up; connecting to a cluster is the one `temporal` change, trusting a real identity
 * provider the one `identity` change.
 */
export const WritConfigSchema = z.strictObject({
  /** Where the embedded server's SQLite file, keys and example stores live. */
  dataDir: z.string().min(1).default('.writ'),
  temporal: TemporalTargetSchema.default({ mode: 'embedded' }),
  taskQueue: z.string().min(1).default('writ-governed'),
  policiesDir: z.string().min(1).default('policies'),
  /** Writ's signing key directory (default `<dataDir>/keys`). */
  keysDir: z.string().min(1).optional(),
  /** The identity provider to trust (default: the local development provider). */
  identity: IdentityVerifierConfigSchema.optional(),
  artifacts: ArtifactWindowSchema.default({ ttlSeconds: 60, clockSkewSeconds: 5, maxLifetimeSeconds: 900 }).refine(
    (window) => window.ttlSeconds <= window.maxLifetimeSeconds,
    { message: 'ttlSeconds must not exceed maxLifetimeSeconds', path: ['ttlSeconds'] },
  ),
  /** Ungoverned activities allowed on a governed worker, by name. */
  exemptActivities: z.array(z.string().min(1)).default([]),
  workerBuildId: z.string().min(1).default('writ-dev'),
});

/** Validated configuration with every path made absolute. */
export type WritConfig = z.infer<typeof WritConfigSchema> & { readonly projectRoot: string; readonly keysDir: string };

/** Environment variables that override single settings (handy in CI and scripts). */
const ENV_OVERRIDES: Record<string, (raw: Record<string, unknown>, value: string, env: NodeJS.ProcessEnv) => void> = {
  WRIT_DATA_DIR: (raw, value) => (raw['dataDir'] = value),
  WRIT_TASK_QUEUE: (raw, value) => (raw['taskQueue'] = value),
  WRIT_POLICIES_DIR: (raw, value) => (raw['policiesDir'] = value),
  WRIT_KEYS_DIR: (raw, value) => (raw['keysDir'] = value),
  // An address switches to an existing server; WRIT_NAMESPACE names its namespace.
  WRIT_TEMPORAL_ADDRESS: (raw, value, env) =>
    (raw['temporal'] = { mode: 'external', address: value, namespace: env['WRIT_NAMESPACE'] || 'writ' }),
};

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
    if (value !== undefined && value !== '') apply(raw, value, env);
  }
  Object.assign(raw, options.overrides ?? {});
  const parsed = WritConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WritError('CONFIG_INVALID', `configuration is invalid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const at = (path: string) => (isAbsolute(path) ? path : join(projectRoot, path));
  const dataDir = at(parsed.data.dataDir);
  return {
    ...parsed.data,
    projectRoot,
    dataDir,
    policiesDir: at(parsed.data.policiesDir),
    keysDir: parsed.data.keysDir === undefined ? join(dataDir, 'keys') : at(parsed.data.keysDir),
  };
}
