import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@temporalio/client';
import type { Runtime } from '@temporalio/worker';
import { installRuntimeLogging } from '../../../worker/runtimeLogging';
import { parseStrictJson } from '../../../core/canonical/parseStrictJson';
import { loadConfig, type WritConfig } from '../../../core/config/writConfig';
import { DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../../core/identity/devIdentityProvider';
import { KeyStore } from '../../../core/keys/keyStore';
import { loadPolicySet } from '../../../core/policy/policySet';
import { loadTemporalTarget, toConnectionOptions } from '../../../core/server/temporalTarget';
import {
  AuditError,
  AuditKeySet,
  exportBundle,
  fetchRuns,
  formatVerdict,
  policySetEvidence,
  readBundle,
  verifyBundle,
  verifyHistories,
  writeBundle,
  type AuditVerdict,
  type PolicySetEvidence,
  type ReplaySource,
  type RunSelection,
} from '../../../core/audit';
import { loadIdentityEvidence, parseIdentityEvidence, type IdentityEvidence } from '../../../core/audit/evidence/identityEvidence';

import { connectTemporal } from '../temporalConnection';
import { bundleLogTrust, exportLogSource, printLogVerdict } from './auditLog';
import { AUDIT_EXIT, type ExportCliOptions, type SourceOptions, type VerifyCliOptions } from './audit';

/** `writ audit export`: the selected runs and everything an auditor needs, in one bundle. */
export async function exportEvidence(opts: ExportCliOptions): Promise<number> {
  const config = loadConfig();
  const selection = selectionOf(opts);
  const { client, namespace, close } = await connect(opts);
  try {
    const identity = await configuredIdentity(config);
    const log = exportLogSource(opts, config);
    const bundle = await exportBundle(client, selection, {
      ...(log === undefined ? {} : { log }),
      namespace,
      keys: opts.keys === undefined ? keyStoreKeys(config) : keysFromFile(opts.keys),
      policySets: policySetsOf(opts.policies ?? [config.policiesDir]),
      exemptActivities: config.exemptActivities,
      ...(identity === undefined ? {} : { identity }),
    });
    writeBundle(opts.out, bundle);
    say(`wrote ${bundle.runs.length} run(s), ${bundle.keys.keys.length} key(s) and ${bundle.policySets.length} policy set(s) to ${opts.out}`);
    say(identity === undefined ? "with no identity provider keys (none configured or made): operator events in it will not verify" : `with identity provider ${identity.issuer} (${identity.jwks.keys.length} key(s))`);
    say(bundle.log === undefined ? 'with no evidence log proofs (no log configured or made here; --log names one)' : `with ${bundle.log.entries.length} log entries proven under the log's checkpoint`);
  } finally {
    await close();
  }
  return AUDIT_EXIT.passed;
}

/** `writ audit verify`: the verdict, in words or as JSON; exit 1 on any finding. */
export async function printVerdict(opts: VerifyCliOptions & { json?: boolean }): Promise<number> {
  if (opts.log !== undefined && opts.bundle === undefined) return printLogVerdict(opts);
  const verdict = await verdictFor(opts);
  if (opts.json) say(JSON.stringify(verdict, null, 2));
  else for (const line of formatVerdict(verdict)) say(line);
  return verdict.passed ? AUDIT_EXIT.passed : AUDIT_EXIT.findings;
}

/**
 * The verdict for `writ audit verify`'s flags: a bundle offline, or runs fetched by id or
 * query. Other audit commands (the report) verify through this too, so every verdict Writ
 * prints comes from the same options.
 */
export async function verdictFor(opts: VerifyCliOptions): Promise<AuditVerdict> {
  return verify(opts).finally(releaseRuntime);
}

async function verify(opts: VerifyCliOptions): Promise<AuditVerdict> {
  if (opts.replay && opts.workflows === undefined) {
    throw new AuditError('AUDIT_OPTIONS_INVALID', 'replay needs the workflow code the runs ran: pass --workflows <module> (the file your worker bundles), or --no-replay');
  }
  const replay: ReplaySource = opts.replay && opts.workflows !== undefined ? { workflowsPath: resolve(opts.workflows) } : false;
  if (replay !== false) installQuietRuntime();
  const keys = opts.keys === undefined ? undefined : keysFromFile(opts.keys);
  if (opts.bundle !== undefined) {
    if (opts.workflowId !== undefined || opts.query !== undefined) throw new AuditError('AUDIT_OPTIONS_INVALID', 'give --bundle, or --workflow-id / --query, not both');
    const bundle = readBundle(opts.bundle);
    const identity = opts.identityKeys === undefined ? undefined : identityFromFile(opts.identityKeys, bundle.identity);
    const log = bundleLogTrust(opts, bundle.log !== undefined);
    if (log === undefined && bundle.log !== undefined) process.stderr.write("writ: the bundle's evidence log proofs are not checked: give the log's verifier key with --log-key\n");
    return verifyBundle(bundle, {
      ...(log === undefined ? {} : { log }),
      replay,
      ...(keys === undefined ? {} : { keys }),
      ...(identity === undefined ? {} : { identity }),
      ...(opts.policies === undefined ? {} : { policySets: policySetsOf(opts.policies) }),
    });
  }
  const config = loadConfig();
  const selection = selectionOf(opts);
  const { client, namespace, close } = await connect(opts);
  try {
    const configured = await configuredIdentity(config);
    const identity = opts.identityKeys === undefined ? configured : identityFromFile(opts.identityKeys, configured);
    const runs = await fetchRuns(client, selection);
    return await verifyHistories(runs, {
      ...(identity === undefined ? {} : { identity }),
      keys: keys ?? keyStoreKeys(config),
      policySets: policySetsOf(opts.policies ?? [config.policiesDir]),
      namespace,
      replay,
      clockSkewSeconds: config.artifacts.clockSkewSeconds,
      maxLifetimeSeconds: config.artifacts.maxLifetimeSeconds,
      statementMaxAgeSeconds: config.artifacts.statementMaxAgeSeconds,
      exemptActivities: config.exemptActivities,
    });
  } finally {
    await close();
  }
}

function selectionOf(opts: SourceOptions): RunSelection {
  if ((opts.workflowId === undefined) === (opts.query === undefined)) {
    throw new AuditError('AUDIT_OPTIONS_INVALID', 'give --workflow-id <id...> or --query <query> (or, to verify offline, --bundle <file>)');
  }
  return { ...(opts.workflowId === undefined ? {} : { workflowIds: opts.workflowId }), ...(opts.query === undefined ? {} : { query: opts.query }), related: opts.related };
}

/** The server Temporal's client configuration names, with `--address` and `--namespace` over it. */
async function connect(opts: SourceOptions): Promise<{ client: Client; namespace: string; close: () => Promise<void> }> {
  const target = loadTemporalTarget({ address: opts.address, namespace: opts.namespace });
  const options = toConnectionOptions(target);
  // Unreachable is "could not audit" (exit 2), in the audit's own code, with the same one line.
  const connection = await connectTemporal(options).catch((cause: unknown) => {
    throw new AuditError('AUDIT_SOURCE_UNAVAILABLE', (cause as Error).message, { cause });
  });
  const namespace = target.namespace;
  return { client: new Client({ connection, namespace }), namespace, close: () => connection.close() };
}

/**
 * The configured key stores' keys, retired ones included, with their signing periods: the
 * authorization keys (`keysDir`) and the receipt keys (`receiptKeysDir`), one key set. On a
 * host that holds only one of them, export each with `writ keys export --with-periods` and
 * merge them (`writ keys merge`) for `--keys`.
 */
export function keyStoreKeys(config: WritConfig): AuditKeySet {
  const authorization = KeyStore.open(config.keysDir).exportKeyRecords();
  const receipts = KeyStore.open(config.receiptKeysDir, { purpose: 'receipt' }).exportKeyRecords();
  if (authorization.length === 0) throw new AuditError('AUDIT_OPTIONS_INVALID', `the key store in ${config.keysDir} holds no keys; pass --keys <file>`);
  return AuditKeySet.fromKeyRecords([...authorization, ...receipts]);
}

/** A key set file: an evidence key set, or a whole bundle whose key set is taken. */
export function keysFromFile(file: string): AuditKeySet {
  let json: unknown;
  try {
    json = parseStrictJson(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new AuditError('EVIDENCE_UNREADABLE', `cannot read key set ${file}: ${(cause as Error).message}`, { cause });
  }
  const keys = (json as { format?: unknown; keys?: unknown }).format === 'writ-evidence' ? (json as { keys: unknown }).keys : json;
  return AuditKeySet.fromEvidence(keys);
}

/**
 * The identity provider the configuration trusts, as evidence: the development provider's
 * `<dataDir>/idp/jwks.json` (issuer `writ-dev-idp`) when none is configured, else the
 * configured provider's `jwksPath`, or its `jwksUrl` fetched once now. Undefined when the
 * development provider has never made a key (it then signed nothing).
 */
export async function configuredIdentity(config: WritConfig): Promise<IdentityEvidence | undefined> {
  const configured = config.identity;
  if (configured === undefined) {
    const jwksPath = join(config.dataDir, 'idp', 'jwks.json');
    if (!existsSync(jwksPath)) return undefined;
    return loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath });
  }
  const { issuer, audience, algorithms, clockToleranceSeconds, jwksPath, jwksUrl } = configured;
  return loadIdentityEvidence({ issuer, audience, algorithms, clockToleranceSeconds, ...(jwksPath === undefined ? {} : { jwksPath }), ...(jwksUrl === undefined ? {} : { jwksUrl }) });
}

/**
 * An identity provider to trust from a file: identity evidence (`{ issuer, jwks, ... }`), a
 * bundle (its `identity`), or a bare JWKS, whose issuer and audience are then the ones the
 * bundle or configuration names.
 */
export function identityFromFile(file: string, named: IdentityEvidence | undefined): IdentityEvidence {
  let json: unknown;
  try {
    json = parseStrictJson(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new AuditError('EVIDENCE_UNREADABLE', `cannot read identity keys ${file}: ${(cause as Error).message}`, { cause });
  }
  const document = json as { format?: unknown; identity?: unknown; issuer?: unknown; keys?: unknown };
  if (document.format === 'writ-evidence') return parseIdentityEvidence(document.identity, `the identity of bundle ${file}`);
  if (document.issuer !== undefined) return parseIdentityEvidence(json, file);
  if (named === undefined) throw new AuditError('AUDIT_OPTIONS_INVALID', `${file} is a bare key set and nothing names its issuer; give identity evidence ({ issuer, audience, jwks })`);
  const { jwks: _jwks, ...rest } = named;
  return parseIdentityEvidence({ ...rest, jwks: json }, file);
}

/** The policy sets in these directories, as evidence (each digest computed from its text). */
export function policySetsOf(dirs: readonly string[]): PolicySetEvidence[] {
  return dirs.map((dir) => policySetEvidence(loadPolicySet(resolve(dir))));
}

/**
 * Replay failures are findings in the verdict; the worker runtime's own logging of them
 * would only repeat them on stderr, with stack traces. A runtime already installed is kept.
 */
function installQuietRuntime(): void {
  installed = installRuntimeLogging('SILENT');
}

let installed: Runtime | undefined;

/**
 * The runtime shuts itself down when its last replay worker ends; when the audit stopped
 * before replay (unreadable evidence, say), it would keep the process alive, so it is shut
 * down here.
 */
async function releaseRuntime(): Promise<void> {
  const runtime = installed;
  installed = undefined;
  await runtime?.shutdown().catch(() => undefined);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
