import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import type { MockActivityEnvironmentOptions } from '@temporalio/testing';
import { canonicalDigest } from '../../core/canonical/digest';
import type { Signer } from '../../core/artifact/mintArtifact';
import type { GovernanceDeps } from '../../activities/governanceDeps';
import { createExampleActions } from '../../examples/exampleActions';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../../core/identity/devIdentityProvider';
import { IdentityVerifier } from '../../core/identity/identityVerifier';
import { KeyStore } from '../../core/keys/keyStore';
import { TrustedKeySet } from '../../core/keys/trustedKeySet';
import { SqliteGovernanceStore } from '../../core/governance/sqliteGovernanceStore';
import { PolicySource } from '../../core/policy/policySource';
import { openExampleStores, type ExampleStores } from '../../examples/exampleStores';
import { governanceDeps } from '../../worker/createGovernedWorker';
import type { WritErrorCode } from '../../core/errors/writError';
import type { EvidenceLog } from '../../core/log/evidence/evidenceLog';
import { openDevEvidenceLog } from '../../core/log/evidence/openEvidenceLog';
import { CheckpointVerifier } from '../../core/log/checkpoint/checkpointVerifier';
import { decodeEvidenceEntry, type EvidenceEntry } from '../../core/log/entries/evidenceEntry';
import { readLogKey } from '../../core/log/storage/logKeyFile';
import { LogReader } from '../../core/log/storage/logReader';
import { verifyLogContents } from '../../core/log/storage/verifyLogContents';

/** The repository's policy set, the one the example workers run under. */
export const POLICIES_DIR = resolve(__dirname, '../../examples/policies');

/** The governance deps a worker would build, over real keys, identity, policies and stores. */
export interface RealGovernance {
  readonly dir: string;
  readonly deps: GovernanceDeps;
  readonly stores: ExampleStores;
  readonly idp: DevIdentityProvider;
  readonly keyStore: KeyStore;
  readonly signer: Signer;
  /** The receipt keys' public set: what the enforcement point's receipts verify with. */
  readonly receiptKeys: TrustedKeySet;
  readonly policies: PolicySource;
  /** The evidence log the deps write to: `<dir>/log` (key `<dir>/log.key`) unless one was given. */
  readonly evidenceLog: EvidenceLog;
  /** The log directory of the default evidence log. */
  readonly logDir: string;
  close(): void;
}

/**
 * Every entry of the log in `logDir` (its key `<dir>/log.key` next to it, as
 * openDevEvidenceLog makes it), decoded, after the whole tree was verified against the
 * signed checkpoint as `writ log verify` does.
 */
export async function loggedEntries(logDir: string, keyFile = join(dirname(logDir), 'log.key')): Promise<EvidenceEntry[]> {
  const key = readLogKey(keyFile);
  const reader = LogReader.forDirectory(logDir, CheckpointVerifier.fromVerifierKeys({ origin: key.name, logKeys: [key.verifierKey] }));
  const latest = await reader.latest();
  const { size } = await verifyLogContents(reader, latest);
  const entries: EvidenceEntry[] = [];
  for (let index = 0; index < size; index += 1) entries.push(decodeEvidenceEntry(await reader.entry(index, size)));
  return entries;
}

/**
 * Builds deps with `governanceDeps(...)`, exactly as `createGovernedWorker` does, in a
 * fresh temp directory with the demo ledger seeded. `signer` and `policiesDir` replace
 * the real ones for the tests that break them.
 */
export async function openRealGovernance(
  options: { policiesDir?: string; signer?: () => Promise<Signer>; clock?: () => Date; evidenceLog?: EvidenceLog } = {},
): Promise<RealGovernance> {
  const dir = mkdtempSync(join(tmpdir(), 'writ-governance-'));
  const keyStore = KeyStore.open(join(dir, 'keys'));
  await keyStore.ensureActive();
  const signer = await keyStore.loadSigner();
  const receiptKeyStore = KeyStore.open(join(dir, 'receipt-keys'), { purpose: 'receipt' });
  await receiptKeyStore.ensureActive();
  const receiptSigner = await receiptKeyStore.loadSigner();
  const idp = DevIdentityProvider.open(join(dir, 'idp'));
  await idp.ensureKey();
  const identity = await IdentityVerifier.create({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: idp.jwksPath });
  const policies = PolicySource.load(options.policiesDir ?? POLICIES_DIR);
  const stores = openExampleStores(join(dir, 'stores'));
  stores.ledger.seedDemo();
  const evidenceLog = options.evidenceLog ?? (await openDevEvidenceLog(dir));
  const deps = governanceDeps({
    // The workflow bundle is never run here; only its digest reaches the artifact.
    workflows: { bundle: { code: '' }, codeDigest: canonicalDigest('writ-test-workflow-code') },
    actions: createExampleActions(stores),
    policies,
    signer: options.signer ?? (async () => signer),
    receiptSigner: async () => receiptSigner,
    trustedKeys: TrustedKeySet.fromJwks(keyStore.exportPublicJwks()),
    identity,
    governance: SqliteGovernanceStore.open(join(dir, 'governance.sqlite')),
    evidenceLog,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return {
    dir,
    deps,
    stores,
    idp,
    keyStore,
    signer,
    receiptKeys: TrustedKeySet.fromJwks(receiptKeyStore.exportPublicJwks()),
    policies,
    evidenceLog,
    logDir: join(dir, 'log'),
    close() {
      policies.close();
      stores.close();
      void deps.governance.close();
      void evidenceLog.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A writable copy of the repository's policy set in a fresh temp directory. */
export function copyPolicies(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'writ-policies-')), 'policies');
  cpSync(POLICIES_DIR, dir, { recursive: true });
  return dir;
}

/** Options for MockActivityEnvironment that keep the SDK's expected-failure warnings quiet. */
export function quietMockOptions(options: MockActivityEnvironmentOptions = {}): MockActivityEnvironmentOptions {
  return { logger: new DefaultLogger('ERROR'), ...options };
}

/**
 * Awaits `run` and returns the ApplicationFailure it rejected with, after asserting its
 * type is `code` and that it is non-retryable. Whatever else happens (no rejection, a
 * different error) is what jest prints, which says more than a bare mismatch.
 */
export async function expectFailure(run: () => Promise<unknown>, code: WritErrorCode): Promise<ApplicationFailure> {
  let thrown: unknown = 'NO_ERROR';
  try {
    await run();
  } catch (error) {
    thrown = error;
  }
  const seen =
    thrown instanceof ApplicationFailure ? { type: thrown.type, nonRetryable: thrown.nonRetryable } : thrown;
  expect(seen).toEqual({ type: code, nonRetryable: true });
  return thrown as ApplicationFailure;
}
