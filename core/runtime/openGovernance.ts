import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WritConfig } from '../config/writConfig';
import { KeyStore, type KeyStoreOptions } from '../keys/keyStore';
import { KeyStoreTrust } from '../keys/keyStoreTrust';
import { TrustedKeysFile } from '../keys/trustedKeysFile';
import type { WritRole } from '../config/writRole';
import { WritError } from '../errors/writError';
import type { DevIdentityProvider } from '../identity/devIdentityProvider';
import type { IdentityVerifier } from '../identity/identityVerifier';
import { openIdentityVerifier } from './openIdentityVerifier';
import { PolicySource } from '../policy/policySource';
import type { GovernanceStore } from '../governance/governanceStore';
import { governanceStoreUrl, openGovernanceStore } from '../governance/openGovernanceStore';
import type { Signer } from '../artifact/mintArtifact';
import type { KeyResolver } from '../artifact/verify/checkSignature';
import type { EvidenceLog } from '../log/evidence/evidenceLog';
import { openEvidenceLog } from '../log/evidence/openEvidenceLog';
import { openSigner, SIGNER_CACHE_MS, type SignerSource } from './openSigner';

/**
 * The trust material a governed worker runs with, opened from configuration for its role:
 * an authorizer opens the authorization keys and no receipt key; an executor opens its
 * receipt keys and trusts the authorization keys' published set, and never opens (or
 * makes) an authorization key; role `all` opens both key stores.
 */
export interface Governance {
  /** The role it was opened for. */
  readonly role: WritRole;
  /** The authorization keys (`keysDir`); undefined for an executor. */
  readonly keyStore: KeyStore | undefined;
  /** The receipt keys (`receiptKeysDir`); undefined for an authorizer. */
  readonly receiptKeyStore: KeyStore | undefined;
  /**
   * The authorization keys artifacts must be signed by: the published key set of
   * `trustedKeysFile` when one is configured (always for an executor), re-read when it
   * changes; otherwise the key store itself. Rotation needs no restart either way.
   */
  readonly trustedKeys: KeyResolver;
  /**
   * The active authorization signer (`signer` in the configuration: the key directory, or
   * a PKCS#11 token), re-checked against the key store every few seconds so a rotation
   * takes effect; undefined for an executor.
   */
  readonly signer: (() => Promise<Signer>) | undefined;
  /** The active receipt key, re-read the same way; undefined for an authorizer. */
  readonly receiptSigner: (() => Promise<Signer>) | undefined;
  /** Verifies identity tokens and operator statements from the configured (or development) provider. */
  readonly identity: IdentityVerifier;
  /** The policy set of `policiesDir`, reloaded when its files change. */
  readonly policies: PolicySource;
  /** Fleet-wide governance state (`governanceStore` in configuration; default `<dataDir>/governance.sqlite`). */
  readonly store: GovernanceStore;
  /**
   * Where every governed step's evidence is written ahead of acting (`evidenceLog` in the
   * configuration; default the directory `<dataDir>/log`, shared by this host's workers).
   */
  readonly evidenceLog: EvidenceLog;
  /** Present when the local development identity provider is the trusted one. */
  readonly devIdentityProvider: DevIdentityProvider | undefined;
  /** Stops watching the policy directory, writes what the evidence log has pending and closes it, and closes the governance store (and a token signer's session). */
  close(): Promise<void>;
}

/**
 * Opens keys, identity and policy for a worker of `config.role`. In development (no
 * `identity` in the configuration) the local identity provider and a first key of each
 * key store the role holds are created on demand; with a configured provider nothing is
 * created and missing material fails (the evidence log and its key too: `writ log init`). With a PKCS#11 `signer` the token key is opened
 * here and must be the key store's active key; no authorization key is ever created in
 * the directory then.
 */
export async function openGovernance(config: WritConfig, options: { clock?: () => Date; createKeys?: boolean } = {}): Promise<Governance> {
  const clockOption = options.clock === undefined ? {} : { clock: options.clock };
  const createKeys = options.createKeys ?? config.identity === undefined;
  const role = config.role;
  const keyStore = role === 'executor' ? undefined : openKeyStore(config.keysDir, { ...clockOption, purpose: 'authorization' });
  const signing = keyStore === undefined ? undefined : await openSigner(config.signer, keyStore, { createKeys });
  try {
    return await openTrustMaterial(config, { keyStore, signing, createKeys, clockOption });
  } catch (error) {
    await signing?.close();
    throw error;
  }
}

/** The rest of `openGovernance`, once the authorization signer is open (it closes the signer if this fails). */
async function openTrustMaterial(
  config: WritConfig,
  opened: { keyStore: KeyStore | undefined; signing: SignerSource | undefined; createKeys: boolean; clockOption: { clock?: () => Date } },
): Promise<Governance> {
  const { keyStore, signing, createKeys, clockOption } = opened;
  const role = config.role;
  const receiptKeyStore = role === 'authorizer' ? undefined : openKeyStore(config.receiptKeysDir, { ...clockOption, purpose: 'receipt' });
  if (receiptKeyStore !== undefined && createKeys) await receiptKeyStore.ensureActive();
  // Tolerance: the configured clock skew, plus (after a rotation) the signer's cache of the old key.
  const skewSeconds = config.artifacts.clockSkewSeconds;
  const cacheSeconds = SIGNER_CACHE_MS / 1000;
  let trustedKeys: KeyResolver;
  if (config.trustedKeysFile !== undefined) trustedKeys = TrustedKeysFile.open(config.trustedKeysFile, { skewSeconds, cacheSeconds });
  else if (keyStore !== undefined) trustedKeys = new KeyStoreTrust(keyStore, skewSeconds, cacheSeconds);
  else throw new WritError('CONFIG_INVALID', 'an executor trusts the authorization keys from their published key set: set trustedKeysFile');

  const { identity, devIdentityProvider } = await openIdentityVerifier(config, clockOption);

  const policies = PolicySource.load(config.policiesDir).watch();
  let store: GovernanceStore;
  try {
    store = await openGovernanceStore(config.governanceStore, { dataDir: config.dataDir });
  } catch (error) {
    policies.close();
    throw error;
  }
  let evidenceLog: EvidenceLog;
  try {
    evidenceLog = await openConfiguredEvidenceLog(config, { create: createKeys });
  } catch (error) {
    policies.close();
    await store.close();
    throw error;
  }
  return {
    role,
    keyStore,
    receiptKeyStore,
    trustedKeys,
    signer: signing?.signer,
    receiptSigner: receiptKeyStore === undefined ? undefined : cachedSigner(receiptKeyStore),
    identity,
    policies,
    devIdentityProvider,
    store,
    evidenceLog,
    close: async () => {
      policies.close();
      await evidenceLog.close();
      await store.close();
      await signing?.close();
    },
  };
}

/** Opens the key store of `purpose` in `dir` (made if missing). */
function openKeyStore(dir: string, options: KeyStoreOptions): KeyStore {
  mkdirSync(dir, { recursive: true });
  return KeyStore.open(dir, options);
}

/** The store's active key, reused for a few seconds so signing does not read the directory every time. */
function cachedSigner(keyStore: KeyStore): () => Promise<Signer> {
  let cached: { signer: Promise<Signer>; at: number } | undefined;
  return () => {
    const now = Date.now();
    if (cached === undefined || now - cached.at > SIGNER_CACHE_MS) {
      cached = { signer: keyStore.loadSigner(), at: now };
      // A failed load must not be cached: the next call reads the directory again.
      cached.signer.catch(() => (cached = undefined));
    }
    return cached.signer;
  };
}

/**
 * The configured evidence log, opened as a worker process opens it (the directory shared
 * with the host's other processes; or sequenced in the PostgreSQL governance store's
 * database): what the workers and the console (passkey bindings) append to.
 */
export function openConfiguredEvidenceLog(config: WritConfig, options: { readonly create: boolean }): Promise<EvidenceLog> {
  const storeConfig = config.governanceStore;
  const sequencer = storeConfig.kind === 'postgres' ? { url: governanceStoreUrl(storeConfig, process.env), poolSize: storeConfig.poolSize, queryTimeoutMs: storeConfig.queryTimeoutMs } : undefined;
  return openEvidenceLog(config.evidenceLog, { create: options.create, ...(sequencer === undefined ? {} : { sequencer }), onCheckpointError: warnCheckpointFailed });
}

/** A scheduled checkpoint that failed: the log stays sequenced, and the next tick (or another host) integrates it. */
function warnCheckpointFailed(error: unknown): void {
  process.emitWarning(`writ: a scheduled checkpoint of the evidence log failed (${error instanceof Error ? error.message : String(error)}); it is tried again`, { code: 'WRIT_CHECKPOINT' });
}
