import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TLSConfig } from '@temporalio/client';
import { loadClientConfig, loadClientConfigProfile, toClientOptions, type ClientConfigProfile, type ClientConfigTLS } from '@temporalio/envconfig';
import { WritError, type WritIssue } from '../errors/writError';

/** The namespace the embedded dev server creates, and Writ's namespace wherever none is named. */
export const WRIT_DEFAULT_NAMESPACE = 'writ';

/**
 * The options both `Connection.connect` (client) and `NativeConnection.connect` (worker)
 * accept, so one value configures every connection Writ opens.
 */
export interface TemporalConnectionOptions {
  /** `host:port` of the frontend. */
  readonly address: string;
  /** TLS settings, with certificates already read; `true` for TLS with the system's roots. */
  readonly tls?: TLSConfig | boolean;
  /** An API key (Temporal Cloud), sent as a bearer token. */
  readonly apiKey?: string;
  /** gRPC metadata sent with every call. */
  readonly metadata?: Record<string, string>;
}

/**
 * Where Writ's workers and clients connect. `embedded`: no Temporal address is configured,
 * so Writ starts the Temporal dev server itself (namespace `writ`). `external`: an existing
 * server, cluster or Temporal Cloud, with everything needed to connect (certificate files
 * already read).
 */
export type TemporalTarget =
  | { readonly kind: 'embedded'; readonly namespace: string }
  | { readonly kind: 'external'; readonly connectOptions: TemporalConnectionOptions; readonly namespace: string };

/** What to load the target from; `address` and `namespace` are command-line flags over the rest. */
export interface LoadTemporalTargetOptions {
  /** Environment to read `TEMPORAL_*` from (and to find temporal.toml); defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** `--address`: replaces the configured address, keeping the profile's TLS and API key. */
  readonly address?: string | undefined;
  /** `--namespace`: replaces the configured namespace. */
  readonly namespace?: string | undefined;
}

/** The TEMPORAL_* variables Writ looks at itself; envconfig reads them all. */
const ENV = {
  configFile: 'TEMPORAL_CONFIG_FILE',
  profile: 'TEMPORAL_PROFILE',
  tls: 'TEMPORAL_TLS',
  disableHostVerification: 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
} as const;

const BOOLEAN_VALUES = ['1', 'true', '0', 'false'];

const DataSourceSchema = z.union([z.strictObject({ path: z.string().min(1) }), z.strictObject({ data: z.union([z.string(), z.instanceof(Uint8Array)]) })]);

/** A loaded profile, checked for types: TOML would otherwise let `address = 7233` through. */
const ProfileSchema = z.strictObject({
  address: z.string().optional(),
  namespace: z.string().optional(),
  apiKey: z.string().optional(),
  grpcMeta: z.record(z.string(), z.string()).optional(),
  tls: z
    .strictObject({
      disabled: z.boolean().optional(),
      serverName: z.string().optional(),
      clientCert: DataSourceSchema.optional(),
      clientKey: DataSourceSchema.optional(),
      serverCACert: DataSourceSchema.optional(),
    })
    .optional(),
});

/** Where each TLS source comes from, for messages: the environment variable and the temporal.toml key. */
const TLS_FILES = [
  ['serverCACert', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'tls.server_ca_cert_path'],
  ['clientCert', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'tls.client_cert_path'],
  ['clientKey', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'tls.client_key_path'],
] as const;

/**
 * Loads where Writ connects, the way the Temporal CLI and SDKs do (`@temporalio/envconfig`):
 * the temporal.toml profile (`TEMPORAL_CONFIG_FILE`, else the user's config directory;
 * `TEMPORAL_PROFILE`, else `default`), then `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`,
 * `TEMPORAL_API_KEY`, `TEMPORAL_TLS*` and `TEMPORAL_GRPC_META_*` over it, then `--address` and
 * `--namespace` over both. An address makes the target external (namespace `writ` unless one
 * is named); no address at all means the embedded dev server. Certificate files are read
 * now. Every problem is `CONFIG_INVALID`, listed in `issues`:
 * - the file named by `TEMPORAL_CONFIG_FILE` does not exist, or temporal.toml is not TOML or
 *   has keys Temporal does not know (read strictly: a misspelt `address` would otherwise fall
 *   back to the embedded server without a word);
 * - `TEMPORAL_PROFILE` names a profile the file does not have;
 * - a value of the wrong type, or `TEMPORAL_TLS` that is not 1/true/0/false;
 * - an API key with TLS switched off (never sent in clear text);
 * - a client certificate without its key or the reverse, certificates with TLS switched off,
 *   or a certificate file that cannot be read;
 * - `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION`, which the TypeScript SDK cannot honour;
 * - namespace, API key, TLS or gRPC metadata configured with no address (they would be
 *   ignored: the embedded server is local and needs none of them).
 */
export function loadTemporalTarget(options: LoadTemporalTargetOptions = {}): TemporalTarget {
  const env = envconfigVariables(options.env ?? process.env);
  const profile = loadProfile(env);
  const address = nonEmpty(options.address) ?? nonEmpty(profile.address);
  const namespace = nonEmpty(options.namespace) ?? nonEmpty(profile.namespace);
  const apiKey = nonEmpty(profile.apiKey);
  const metadata = profile.grpcMeta !== undefined && Object.keys(profile.grpcMeta).length > 0 ? { ...profile.grpcMeta } : undefined;
  const issues = booleanProblems(env);

  if (address === undefined) {
    const unused: [string, boolean][] = [
      ['namespace', namespace !== undefined],
      ['api_key', apiKey !== undefined],
      ['tls', profile.tls !== undefined],
      ['grpc_meta', metadata !== undefined],
    ];
    for (const [field, set] of unused) {
      if (set) {
        issues.push({
          path: field,
          message: `${field} is configured but no address is: set TEMPORAL_ADDRESS (or the profile's address) to connect to a server, or remove ${field} to use the embedded dev server`,
        });
      }
    }
    fail(issues);
    return { kind: 'embedded', namespace: WRIT_DEFAULT_NAMESPACE };
  }

  const tls = profile.tls === undefined ? undefined : readTlsFiles(profile.tls, apiKey !== undefined, issues);
  fail(issues);
  // envconfig's own rule for TLS: on when configured (and not disabled) or when an API key is given.
  const sdkTls = toClientOptions({ address, ...(apiKey === undefined ? {} : { apiKey }), ...(tls === undefined ? {} : { tls }) }).connectionOptions.tls;
  const connectOptions: TemporalConnectionOptions = {
    address,
    ...(sdkTls === undefined || sdkTls === null ? {} : { tls: sdkTls }),
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(metadata === undefined ? {} : { metadata }),
  };
  return { kind: 'external', connectOptions, namespace: namespace ?? WRIT_DEFAULT_NAMESPACE };
}

/** `TEMPORAL_TLS` and `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION` as the SDK would misread or ignore them. */
function booleanProblems(env: Record<string, string>): WritIssue[] {
  const issues: WritIssue[] = [];
  for (const name of [ENV.tls, ENV.disableHostVerification]) {
    const value = env[name];
    if (value !== undefined && !BOOLEAN_VALUES.includes(value)) {
      issues.push({ path: name, message: `must be one of ${BOOLEAN_VALUES.join(', ')} (the SDK reads anything else as false), not ${JSON.stringify(value)}` });
    }
  }
  const disableHostVerification = env[ENV.disableHostVerification];
  if (disableHostVerification === '1' || disableHostVerification === 'true') {
    issues.push({ path: ENV.disableHostVerification, message: 'the TypeScript SDK cannot switch host verification off (it would silently verify); name the host with TEMPORAL_TLS_SERVER_NAME instead' });
  }
  return issues;
}

/**
 * The TLS settings with every certificate file read now, so a missing one is reported with
 * the other problems (added to `issues`) rather than when a worker first connects.
 */
function readTlsFiles(tls: ClientConfigTLS, withApiKey: boolean, issues: WritIssue[]): ClientConfigTLS {
  if (tls.disabled === true) {
    // The SDK would honour it and send the API key in clear text; refuse instead.
    if (withApiKey) issues.push({ path: 'tls.disabled', message: 'an API key is never sent without TLS: remove TEMPORAL_TLS=false (or tls.disabled) or the API key' });
    if (tls.clientCert !== undefined || tls.clientKey !== undefined || tls.serverCACert !== undefined) {
      issues.push({ path: 'tls.disabled', message: 'TLS is switched off, yet certificates are configured' });
    }
    return tls;
  }
  // The SDK silently drops a client certificate without its key (or the reverse): no mTLS.
  if ((tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
    issues.push({ path: 'tls.client_cert_path', message: 'a client certificate and its key go together (TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH)' });
  }
  const read = { ...tls };
  for (const [field, variable, key] of TLS_FILES) {
    const source = tls[field];
    if (source === undefined || !('path' in source)) continue;
    const absolute = path.resolve(source.path);
    try {
      read[field] = { data: fs.readFileSync(absolute) };
    } catch (cause) {
      issues.push({ path: key, message: `cannot read ${absolute} (${variable} or the profile's ${key}): ${(cause as Error).message}` });
    }
  }
  return read;
}

/**
 * The connection options for a target. An external target carries its own; the embedded
 * one needs the address of the dev server that was started (`embeddedAddress`), and without
 * it (nothing configured and no server started here) this is `CONFIG_INVALID`.
 */
export function toConnectionOptions(target: TemporalTarget, embeddedAddress?: string): TemporalConnectionOptions {
  if (target.kind === 'external') return target.connectOptions;
  if (embeddedAddress === undefined || embeddedAddress === '') {
    throw new WritError(
      'CONFIG_INVALID',
      'which Temporal server? none is configured and no embedded dev server runs here: set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE), select a temporal.toml profile (TEMPORAL_PROFILE), or pass --address',
      { issues: [{ path: 'address', message: 'no Temporal address is configured' }] },
    );
  }
  return { address: embeddedAddress };
}

/**
 * The environment as envconfig reads it: strings only, and a variable set to the empty string
 * counts as unset (as Writ's own overrides do), except `TEMPORAL_GRPC_META_*`, where empty
 * removes a header the profile set.
 */
function envconfigVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (value === '' && !name.startsWith('TEMPORAL_GRPC_META_')) continue;
    variables[name] = value;
  }
  return variables;
}

/** The selected profile with the environment applied, checked for types. */
function loadProfile(env: Record<string, string>): ClientConfigProfile {
  const file = env[ENV.configFile];
  const where = file === undefined ? 'temporal.toml (in the user configuration directory)' : `${ENV.configFile} ${path.resolve(file)}`;
  // envconfig silently ignores a TEMPORAL_CONFIG_FILE that does not exist; a typo there
  // would quietly fall back to the embedded server, so it is refused.
  if (file !== undefined && !fs.existsSync(file)) {
    fail([{ path: ENV.configFile, message: `${path.resolve(file)} does not exist` }]);
  }
  let profiles: string[];
  try {
    profiles = Object.keys(loadClientConfig({ overrideEnvVars: env, configFileStrict: true }).profiles);
  } catch (cause) {
    // envconfig 1.24 cannot read a file without any [profile.<name>] table (a TypeError).
    const hint = cause instanceof TypeError ? 'it has no [profile.<name>] table' : (cause as Error).message;
    throw new WritError('CONFIG_INVALID', `cannot use ${where}: ${hint}`, { issues: [{ path: file === undefined ? 'temporal.toml' : ENV.configFile, message: hint }], cause });
  }
  const selected = env[ENV.profile];
  if (selected !== undefined && !profiles.includes(selected)) {
    fail([{ path: ENV.profile, message: `${where} has no profile ${JSON.stringify(selected)} (it has ${profiles.length === 0 ? 'none' : profiles.join(', ')})` }]);
  }
  let profile: unknown;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: env, configFileStrict: true });
  } catch (cause) {
    throw new WritError('CONFIG_INVALID', `cannot use ${where}: ${(cause as Error).message}`, { issues: [{ path: ENV.profile, message: (cause as Error).message }], cause });
  }
  const parsed = ProfileSchema.safeParse(profile);
  if (!parsed.success) {
    return invalid(parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
  }
  return parsed.data as ClientConfigProfile;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Throws CONFIG_INVALID listing `issues`, when there are any. */
function fail(issues: readonly WritIssue[]): void {
  if (issues.length > 0) invalid(issues);
}

function invalid(issues: readonly WritIssue[]): never {
  throw new WritError('CONFIG_INVALID', `the Temporal connection configuration is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, { issues });
}
