import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WritConfig } from '../config/writConfig';
import { KeyStore } from '../keys/keyStore';
import { KeyStoreTrust } from '../keys/keyStoreTrust';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../identity/devIdentityProvider';
import { IdentityVerifier } from '../identity/identityVerifier';
import { PolicySource } from '../policy/policySource';
import { GovernanceStore } from '../operators/governanceStore';
import type { Signer } from '../artifact/mintArtifact';
import type { KeyResolver } from '../artifact/verify/checkSignature';

/** The trust material a governed worker runs with, opened from configuration. */
export interface Governance {
  /** Writ's signing keys (`keysDir`). */
  readonly keyStore: KeyStore;
  /** Follows the key store: rotation needs no restart; old keys verify only what they signed while active. */
  readonly trustedKeys: KeyResolver;
  /** The active signing key, re-read from the key store every few seconds so a rotation takes effect. */
  readonly signer: () => Promise<Signer>;
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
 * configuration) the local identity provider and a first signing key are created on
 * demand; with a configured provider nothing is created and missing material fails.
 */
export async function openGovernance(config: WritConfig, options: { clock?: () => Date; createKeys?: boolean } = {}): Promise<Governance> {
  const clockOption = options.clock === undefined ? {} : { clock: options.clock };
  mkdirSync(config.keysDir, { recursive: true });
  const keyStore = KeyStore.open(config.keysDir, clockOption);
  if (options.createKeys ?? config.identity === undefined) await keyStore.ensureActive();

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
  let cached: { signer: Promise<Signer>; at: number } | undefined;
  const signer = () => {
    const now = Date.now();
    if (cached === undefined || now - cached.at > SIGNER_CACHE_MS) {
      cached = { signer: keyStore.loadSigner(), at: now };
      // A failed load must not be cached: the next call reads the directory again.
      cached.signer.catch(() => (cached = undefined));
    }
    return cached.signer;
  };
  return {
    keyStore,
    // Tolerance: the configured clock skew, plus (after a rotation) the signer's cache of the old key.
    trustedKeys: new KeyStoreTrust(keyStore, config.artifacts.clockSkewSeconds, SIGNER_CACHE_MS / 1000),
    signer,
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
