import { join } from 'node:path';
import type { WritConfig } from '../config/writConfig';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../identity/devIdentityProvider';
import { IdentityVerifier } from '../identity/identityVerifier';

/** The identity verifier `config` names, and the development provider when it is the trusted one. */
export interface OpenedIdentity {
  readonly identity: IdentityVerifier;
  /** Present when the local development identity provider is the trusted one. */
  readonly devIdentityProvider: DevIdentityProvider | undefined;
}

/**
 * The verifier of the configured identity provider, or, with no `identity` in the
 * configuration (development), of the local development provider in `<dataDir>/idp`, whose
 * key is made on first use.
 */
export async function openIdentityVerifier(config: Pick<WritConfig, 'identity' | 'dataDir'>, clockOption: { clock?: () => Date } = {}): Promise<OpenedIdentity> {
  if (config.identity !== undefined) return { identity: await IdentityVerifier.create(config.identity, clockOption), devIdentityProvider: undefined };
  const devIdentityProvider = DevIdentityProvider.open(join(config.dataDir, 'idp'), clockOption);
  await devIdentityProvider.ensureKey();
  const identity = await IdentityVerifier.create({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: devIdentityProvider.jwksPath }, clockOption);
  return { identity, devIdentityProvider };
}
