import path from 'node:path';
import type { EvidenceLog } from '../../core/log/evidence/evidenceLog';
import { openDevEvidenceLog } from '../../core/log/evidence/openEvidenceLog';
import type { GovernanceDeps } from '../../activities/governanceDeps';
import type { Signer } from '../../core/artifact/mintArtifact';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../core/identity/devIdentityProvider';
import { IdentityVerifier } from '../../core/identity/identityVerifier';
import { KeyStore, type KeyRecord } from '../../core/keys/keyStore';
import { SqliteGovernanceStore } from '../../core/governance/sqliteGovernanceStore';
import { GOVERNANCE_SQLITE_FILE } from '../../core/governance/openGovernanceStore';
import { TrustedKeySet } from '../../core/keys/trustedKeySet';
import { PolicySource } from '../../core/policy/policySource';
import type { GovernedBundle } from '../../worker/bundleGovernedWorkflows';
import { governanceDeps } from '../../worker/createGovernedWorker';
import type { ProofKey } from '../../core/identity/proofKey';
import { BENCH_PRINCIPAL, createBenchActions, type BenchActions } from './benchActions';
import { projectRoot } from './projectRoot';

/** The benchmark's Cedar policy set (`bench/policies/`), found from source or build. */
export const BENCH_POLICIES_DIR = path.join(projectRoot(), 'tools', 'bench', 'policies');

/** Identity tokens outlive any benchmark run: authorize verifies the same token every step. */
const TOKEN_TTL_SECONDS = 4 * 3600;

/** Real keys, identity and policies in the run's data directory, shared by every phase. */
export interface BenchGovernance {
  readonly actions: BenchActions;
  readonly signer: Signer;
  /** The receipt key the enforcement point signs receipts with. */
  readonly receiptSigner: Signer;
  /** The evidence log in `<dataDir>/log`, as a development worker opens it (shared per batch, batched appends). */
  readonly evidenceLog: EvidenceLog;
  readonly trustedKeys: TrustedKeySet;
  readonly identity: IdentityVerifier;
  readonly policies: PolicySource;
  /** Revocations and the kill switch (empty: nothing is revoked), consulted every step. */
  readonly governance: SqliteGovernanceStore;
  /** A verified-identity token for the bench principal, bound to `proofKey`. */
  readonly identityToken: string;
  /** The key `identityToken` is bound to: a client proves possession of it at every start. */
  readonly proofKey: ProofKey;
  /** The authorization and receipt keys with their signing periods, as an auditor receives them. */
  keyRecords(): KeyRecord[];
  /** What every bench worker is given to govern with: the signers, trusted keys, identity verifier, store, evidence log and build id. */
  workerTrust(): BenchWorkerTrust;
  /** The deps a governed worker builds, over the given bundle's digest. */
  deps(workflows: Pick<GovernedBundle, 'codeDigest'>): GovernanceDeps;
  close(): Promise<void>;
}

/** The part of a governed worker's options every bench worker shares (its store and log may be replaced per variant). */
export interface BenchWorkerTrust {
  readonly signer: () => Promise<Signer>;
  readonly receiptSigner: () => Promise<Signer>;
  readonly trustedKeys: TrustedKeySet;
  readonly identity: IdentityVerifier;
  readonly governance: SqliteGovernanceStore;
  readonly evidenceLog: EvidenceLog;
  readonly workerBuildId: string;
}

/**
 * Sets up governance exactly as a worker would have it: an Ed25519 authorization key and
 * receipt key, each in its key store,
 * the development identity provider and a verifier trusting it, and the bench policy set
 * loaded (validated, preparsed) by a PolicySource. Nothing is mocked.
 */
export async function openBenchGovernance(dataDir: string): Promise<BenchGovernance> {
  const keyStore = KeyStore.open(path.join(dataDir, 'keys'));
  await keyStore.ensureActive();
  const receiptKeyStore = KeyStore.open(path.join(dataDir, 'receipt-keys'), { purpose: 'receipt' });
  await receiptKeyStore.ensureActive();
  const idp = DevIdentityProvider.open(path.join(dataDir, 'idp'));
  await idp.ensureKey();
  const identity = await IdentityVerifier.create({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: idp.jwksPath });
  const signer = await keyStore.loadSigner();
  const receiptSigner = await receiptKeyStore.loadSigner();
  const trustedKeys = TrustedKeySet.fromJwks(keyStore.exportPublicJwks());
  const policies = PolicySource.load(BENCH_POLICIES_DIR);
  const governance = SqliteGovernanceStore.open(path.join(dataDir, GOVERNANCE_SQLITE_FILE));
  const evidenceLog = await openDevEvidenceLog(dataDir);
  // Bound to a key, as every client that starts many runs with one token must be.
  const { identityToken, proofKey } = await idp.mintBoundCredential({ principal: BENCH_PRINCIPAL.principal, groups: [...BENCH_PRINCIPAL.groups], ttlSeconds: TOKEN_TTL_SECONDS });
  const actions = createBenchActions();
  const workerTrust = (): BenchWorkerTrust => ({ signer: async () => signer, receiptSigner: async () => receiptSigner, trustedKeys, identity, governance, evidenceLog, workerBuildId: 'writ-bench' });
  return {
    actions,
    signer,
    receiptSigner,
    evidenceLog,
    trustedKeys,
    identity,
    policies,
    governance,
    identityToken,
    proofKey,
    keyRecords: () => [...keyStore.exportKeyRecords(), ...receiptKeyStore.exportKeyRecords()],
    workerTrust,
    deps: (workflows) => governanceDeps({ workflows: { bundle: { code: '' }, codeDigest: workflows.codeDigest }, actions, policies, ...workerTrust() }),
    close: async () => {
      policies.close();
      await evidenceLog.close();
      await governance.close();
    },
  };
}
