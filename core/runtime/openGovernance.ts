import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WritConfig } from '../config/writConfig';
import { KeyStore, type KeyStoreOptions } from '../keys/keyStore';
import { KeyStoreTrust } from '../keys/keyStoreTrust';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../identity/devIdentityProvider';
import { IdentityVerifier } from '../identity/identityVerifier';
import { PolicySource } from '../policy/policySource';
import { GovernanceStore } from '../operators/governanceStore';
import type { Signer } from '../artifact/mintArtifact';
import type { KeyResolver } from '../artifact/verify/checkSignature';

/** The trust material a governed worker runs with, opened from configuration. */
export interface Governance {
  /** The authorization keys (`keysDir`). */
  readonly keyStore: KeyStore;
  /** The receipt keys (`receiptKeysDir`). */
  readonly receiptKeyStore: KeyStore;
  /** Follows the key store: rotation needs no restart; old keys verify only what they signed while active. */
  readonly trustedKeys: KeyResolver;
  /** The active authorization key, re-read from the key store every few seconds so a rotation takes effect. */
  readonly signer: () => Promise<Signer>;
  /** The active receipt key, re-read the same way. */
  readonly receiptSigner: () => Promise<Signer>;
  /** Verifies identity tokens and operator statements from the configured (or development) provider. */
  readonly identity: IdentityVerifier;
  /** The policy set of `policiesDir`, reloaded when its files change. */
  readonly policies: PolicySource;
  /** Revocations and the kill switch (`<dataDir>/governance.sqlite`). */
  readonly store: GovernanceStore;
  /** Present when the local development identity provider is the trusted one. */
  readonly devIdentityProvider: DevIdentityProvider | undefined;
  /** Stops watching the policy directory and closes the governance store. */
  close(): void;
}

/** How long a loaded signing key is reused before the key directory is read again. */
const SIGNER_CACHE_MS = 5_000;

/**
 * Opens keys, identity and policy for a worker. In development (no `identity` in the
 * configuration) the local identity provider, a first authorization key and a first
 * receipt key are created on demand; with a configured provider nothing is created and
 * missing material fails.
 */
export async function openGovernance(config: WritConfig, options: { clock?: () => Date; createKeys?: boolean } = {}): Promise<Governance> {
  const clockOption = options.clock === undefined ? {} : { clock: options.clock };
  const createKeys = options.createKeys ?? config.identity === undefined;
  const keyStore = await openKeyStore(config.keysDir, { ...clockOption, purpose: 'authorization' }, createKeys);
  const receiptKeyStore = await openKeyStore(config.receiptKeysDir, { ...clockOption, purpose: 'receipt' }, createKeys);

  let devIdentityProvider: DevIdentityProvider | undefined;
  let identity: IdentityVerifier;
  if (config.identity === undefined) {
    devIdentityProvider = DevIdentityProvider.open(join(config.dataDir, 'idp'), clockOption);
    await devIdentityProvider.ensureKey();
    identity = await IdentityVerifier.create({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: devIdentityProvider.jwksPath }, clockOption);
  } else {
    identity = await IdentityVerifier.create(config.identity, clockOption);
  }

  const policies = PolicySource.load(config.policiesDir).watch();
  const store = GovernanceStore.open(join(config.dataDir, 'governance.sqlite'));
  return {
    keyStore,
    receiptKeyStore,
    // Tolerance: the configured clock skew, plus (after a rotation) the signer's cache of the old key.
    trustedKeys: new KeyStoreTrust(keyStore, config.artifacts.clockSkewSeconds, SIGNER_CACHE_MS / 1000),
    signer: cachedSigner(keyStore),
    receiptSigner: cachedSigner(receiptKeyStore),
    identity,
    policies,
    devIdentityProvider,
    store,
    close: () => {
      policies.close();
      store.close();
    },
  };
}

/** Opens the key store of `purpose` in `dir` (made if missing); in development it makes a first key too. */
async function openKeyStore(dir: string, options: KeyStoreOptions, create: boolean): Promise<KeyStore> {
  mkdirSync(dir, { recursive: true });
  const keyStore = KeyStore.open(dir, options);
  if (create) await keyStore.ensureActive();
  return keyStore;
}

/** The store's active key, reused for a few seconds so signing does not read the directory every time. */
function cachedSigner(keyStore: KeyStore): () => Promise<Signer> {
  let cached: { signer: Promise<Signer>; at: number } | undefined;
  return () => {
    const now = Date.now();
    if (cached === undefined || now - cached.at > SIGNER_CACHE_MS) {
      cached = { signer: keyStore.loadSigningKey(), at: now };
      // A failed load must not be cached: the next call reads the directory again.
      cached.signer.catch(() => (cached = undefined));
    }
    return cached.signer;
  };
}
