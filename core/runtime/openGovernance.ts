import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WritConfig } from '../config/writConfig';
import { KeyStore } from '../keys/keyStore';
import { KeyStoreTrust } from '../keys/keyStoreTrust';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../identity/devIdentityProvider';
import { IdentityVerifier } from '../identity/identityVerifier';
import { PolicySource } from '../policy/policySource';
import type { GovernanceStore } from '../governance/governanceStore';
import { openGovernanceStore } from '../governance/openGovernanceStore';
import type { Signer } from '../artifact/mintArtifact';
import type { KeyResolver } from '../artifact/verify/checkSignature';
import { openSigner, SIGNER_CACHE_MS, type SignerSource } from './openSigner';

/** The trust material a governed worker runs with, opened from configuration. */
export interface Governance {
  /** Writ's signing keys (`keysDir`). */
  readonly keyStore: KeyStore;
  /** Follows the key store: rotation needs no restart; old keys verify only what they signed while active. */
  readonly trustedKeys: KeyResolver;
  /** The active signer (`signer` in the configuration), re-checked against the key store every few seconds so a rotation takes effect. */
  readonly signer: () => Promise<Signer>;
  /** Verifies identity tokens and operator statements from the configured (or development) provider. */
  readonly identity: IdentityVerifier;
  /** The policy set of `policiesDir`, reloaded when its files change. */
  readonly policies: PolicySource;
  /** Fleet-wide governance state (`governanceStore` in configuration; default `<dataDir>/governance.sqlite`). */
  readonly store: GovernanceStore;
  /** Present when the local development identity provider is the trusted one. */
  readonly devIdentityProvider: DevIdentityProvider | undefined;
  /** Stops watching the policy directory and closes the governance store (and a token signer's session). */
  close(): Promise<void>;
}

/**
 * Opens keys, identity and policy for a worker. In development (no `identity` in the
 * configuration) the local identity provider and a first signing key are created on
 * demand; with a configured provider nothing is created and missing material fails.
 * With a PKCS#11 `signer` the token key is opened here and must be the key store's
 * active key; no key is ever created in the directory then.
 */
export async function openGovernance(config: WritConfig, options: { clock?: () => Date; createKeys?: boolean } = {}): Promise<Governance> {
  const clockOption = options.clock === undefined ? {} : { clock: options.clock };
  mkdirSync(config.keysDir, { recursive: true });
  const keyStore = KeyStore.open(config.keysDir, clockOption);
  const signing = await openSigner(config.signer, keyStore, { createKeys: options.createKeys ?? config.identity === undefined });
  try {
    return await openTrustMaterial(config, keyStore, signing, clockOption);
  } catch (error) {
    await signing.close();
    throw error;
  }
}

/** The rest of `openGovernance`, once the signer is open (it closes the signer if this fails). */
async function openTrustMaterial(config: WritConfig, keyStore: KeyStore, signing: SignerSource, clockOption: { clock?: () => Date }): Promise<Governance> {
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
  const store = await openGovernanceStore(config.governanceStore, { dataDir: config.dataDir });
  return {
    keyStore,
    // Tolerance: the configured clock skew, plus (after a rotation) the signer's cache of the old key.
    trustedKeys: new KeyStoreTrust(keyStore, config.artifacts.clockSkewSeconds, SIGNER_CACHE_MS / 1000),
    signer: signing.signer,
    identity,
    policies,
    devIdentityProvider,
    store,
    close: async () => {
      policies.close();
      await store.close();
      await signing.close();
    },
  };
}
