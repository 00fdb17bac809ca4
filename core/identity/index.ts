/** Who started a workflow: identity tokens minted in development and verified everywhere. */
export {
  DevIdentityProvider,
  DEV_IDENTITY_ISSUER,
  WRIT_IDENTITY_AUDIENCE,
  DEFAULT_DEV_TOKEN_TTL_SECONDS,
  MAX_DEV_TOKEN_TTL_SECONDS,
  MintTokenRequestSchema,
} from './devIdentityProvider';
export type { DevIdentityProviderOptions, MintTokenRequest } from './devIdentityProvider';
export {
  IdentityVerifier,
  IdentityVerifierConfigSchema,
  IDENTITY_ALGORITHMS,
  MAX_IDENTITY_TOKEN_LENGTH,
} from './identityVerifier';
export type {
  IdentityVerifierConfig,
  IdentityVerifierOptions,
  ResolvedIdentityVerifierConfig,
  VerifiedIdentity,
} from './identityVerifier';
