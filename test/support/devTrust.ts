import { join } from 'node:path';
import { AuditKeySet } from '../../core/audit/keys/auditKeySet';
import { loadIdentityEvidence, type IdentityEvidence } from '../../core/audit/evidence/identityEvidence';
import type { Signer } from '../../core/artifact/mintArtifact';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../core/identity/devIdentityProvider';
import { IdentityVerifier } from '../../core/identity/identityVerifier';
import { KeyStore } from '../../core/keys/keyStore';
import { TrustedKeySet } from '../../core/keys/trustedKeySet';

/**
 * The keys and identity provider of one test's governed worker, as a development data
 * directory holds them: authorization and receipt keys, the local identity provider, and
 * what the worker and an auditor are given from them.
 */
export interface DevTrust {
  readonly keyStore: KeyStore;
  readonly receiptKeyStore: KeyStore;
  readonly signer: Signer;
  readonly receiptSigner: Signer;
  readonly idp: DevIdentityProvider;
  /** The worker's verifier of the provider's tokens. */
  readonly identity: IdentityVerifier;
  /** The authorization keys' public set: what artifacts verify with. */
  readonly trustedKeys: TrustedKeySet;
  /** The receipt keys' public set: what receipts verify with. */
  readonly receiptKeys: TrustedKeySet;
  /** Both key sets with their signing periods, as an auditor is given them. */
  auditKeys(): AuditKeySet;
  /** The identity provider as audit evidence. */
  identityEvidence(): Promise<IdentityEvidence>;
}

/** Creates (or reopens) the keys and identity provider under `dir`: `keys/`, `receipt-keys/`, `idp/`. */
export async function openDevTrust(dir: string): Promise<DevTrust> {
  const keyStore = KeyStore.open(join(dir, 'keys'));
  await keyStore.ensureActive();
  const receiptKeyStore = KeyStore.open(join(dir, 'receipt-keys'), { purpose: 'receipt' });
  await receiptKeyStore.ensureActive();
  const idp = DevIdentityProvider.open(join(dir, 'idp'));
  await idp.ensureKey();
  const provider = { issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: idp.jwksPath };
  return {
    keyStore,
    receiptKeyStore,
    signer: await keyStore.loadSigner(),
    receiptSigner: await receiptKeyStore.loadSigner(),
    idp,
    identity: await IdentityVerifier.create(provider),
    trustedKeys: TrustedKeySet.fromJwks(keyStore.exportPublicJwks()),
    receiptKeys: TrustedKeySet.fromJwks(receiptKeyStore.exportPublicJwks()),
    auditKeys: () => AuditKeySet.fromKeyRecords([...keyStore.exportKeyRecords(), ...receiptKeyStore.exportKeyRecords()]),
    identityEvidence: () => loadIdentityEvidence(provider),
  };
}
