/** Writ's Ed25519 signing keys: the key store that holds them and the trusted set that verifies with them. */
export { KeyStore } from './keyStore';
export type { KeyInfo, KeyStoreOptions, PublicJwks, SigningKey } from './keyStore';
export { KEY_STATUSES } from './keyStoreManifest';
export type { KeyStatus } from './keyStoreManifest';
export { TrustedKeySet } from './trustedKeySet';
export { WRIT_SIGNING_ALG, toPublicSigningJwk, hasPrivateJwkMember } from './ed25519Jwk';
export type { PublicSigningJwk, Ed25519PublicJwk } from './ed25519Jwk';
export { writeFileAtomicSync } from './writeFileAtomic';
