/** Who started a workflow: identity tokens minted in development and verified everywhere. */
export {
  DevIdentityProvider,
  DEV_IDENTITY_ISSUER,
  WRIT_IDENTITY_AUDIENCE,
  DEFAULT_DEV_TOKEN_TTL_SECONDS,
  MAX_DEV_TOKEN_TTL_SECONDS,
  MintTokenRequestSchema,
} from './devIdentityProvider';
export type { BoundCredential, BoundCredentialRequest, DevIdentityProviderOptions, MintTokenRequest } from './devIdentityProvider';
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
export { generateProofKey, importProofKey, exportProofKey, ProofKeyJwkSchema } from './proofKey';
export type { ProofKey, ProofKeyJwk, ProofPublicJwk } from './proofKey';
export { createStartProof, verifyStartProof, identityTokenHash, START_PROOF_TYPE, START_PROOF_ALG, MAX_START_PROOF_LENGTH } from './startProof';
export type { StartProofBinding, StartProofExpectation, VerifiedStartProof } from './startProof';
export { readBoundCredentialFile, writeBoundCredentialFile, BoundCredentialFileSchema, BOUND_CREDENTIAL_FORMAT } from './boundCredentialFile';
export type { BoundCredentialFile } from './boundCredentialFile';
