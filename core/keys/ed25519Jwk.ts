import { z } from 'zod';
import { KEY_PURPOSES, type KeyPurpose } from './keyPurpose';

/** The JWS algorithm of every Writ signing key. */
export const WRIT_SIGNING_ALG = 'EdDSA';

/** 32 bytes in unpadded base64url: the size of an Ed25519 public key or seed. */
const ED25519_COORDINATE = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in unpadded base64url');

/**
 * A `kid` as Writ writes it (an RFC 7638 SHA-256 thumbprint, base64url). The pattern also
 * keeps a kid safe to use inside a file name: no dots, slashes or other path syntax.
 */
export const KidSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an RFC 7638 SHA-256 thumbprint');

/**
 * JWK members that carry private or symmetric key material, for any key type. A document
 * meant to be public is refused when it has any of them, whatever else it says.
 */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

/** The public part of an Ed25519 key: the three members its RFC 7638 thumbprint covers. */
export const Ed25519PublicJwkSchema = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: ED25519_COORDINATE,
});

/** An Ed25519 public JWK. */
export type Ed25519PublicJwk = z.infer<typeof Ed25519PublicJwkSchema>;

/** A private Ed25519 JWK as the key store writes it: the public members, `d` and the kid. */
export const Ed25519PrivateJwkSchema = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: ED25519_COORDINATE,
  d: ED25519_COORDINATE,
  kid: KidSchema,
});

/** A private Ed25519 JWK; never logged, never returned, never put in an error. */
export type Ed25519PrivateJwk = z.infer<typeof Ed25519PrivateJwkSchema>;

/** A public Ed25519 JWK as it appears in a published key set. */
export const PublishedEd25519JwkSchema = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: ED25519_COORDINATE,
  kid: z.string().min(1).max(256),
  alg: z.literal(WRIT_SIGNING_ALG).optional(),
  use: z.literal('sig').optional(),
  key_ops: z.array(z.literal('verify')).optional(),
  /** What the key may sign (`KEY_PURPOSE_MEMBER`); absent on a key made before purposes. */
  writ_purpose: z.enum(KEY_PURPOSES).optional(),
});

/** A published Ed25519 JWK, as `TrustedKeySet` accepts it. */
export type PublishedEd25519Jwk = z.infer<typeof PublishedEd25519JwkSchema>;

/** The published form of a key store key: public members plus kid, alg and use. */
export interface PublicSigningJwk {
  /** Always `OKP`. */
  readonly kty: 'OKP';
  /** Always `Ed25519`. */
  readonly crv: 'Ed25519';
  /** The public key, 32 bytes in unpadded base64url. */
  readonly x: string;
  /** The key's RFC 7638 thumbprint, which artifacts name in their header. */
  readonly kid: string;
  /** Always `EdDSA`, the only algorithm Writ signs with. */
  readonly alg: 'EdDSA';
  /** Always `sig`: the key signs, it never encrypts. */
  readonly use: 'sig';
  /**
   * What the key may sign: authorization artifacts or execution receipts. Absent on a key
   * made before keys had purposes, which signed both (see `KEY_PURPOSE_MEMBER`).
   */
  readonly writ_purpose?: KeyPurpose;
}

/**
 * Builds the published JWK of a key from its kid, public coordinate and purpose (none for a
 * key made before purposes); never has `d`.
 */
export function toPublicSigningJwk(kid: string, publicJwk: Ed25519PublicJwk, purpose?: KeyPurpose): PublicSigningJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, kid, alg: WRIT_SIGNING_ALG, use: 'sig', ...(purpose === undefined ? {} : { writ_purpose: purpose }) };
}

/** True when `value` is an object holding any member that carries private key material. */
export function hasPrivateJwkMember(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return PRIVATE_JWK_MEMBERS.some((member) => Object.prototype.hasOwnProperty.call(value, member));
}
