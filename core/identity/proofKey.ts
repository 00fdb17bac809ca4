import { createHash, createPrivateKey, createPublicKey, generateKeyPair, KeyObject, type webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint } from 'jose';
import { z } from 'zod';
import { jsonPathOf } from '../canonical/jsonPath';
import { WritError, type WritIssue } from '../errors/writError';
import { Ed25519PublicJwkSchema } from '../keys/ed25519Jwk';
import type { Assert, SameType } from '../types/sameType';

const generateEd25519 = promisify(generateKeyPair);

/** 32 bytes in unpadded base64url: an Ed25519 coordinate, or a SHA-256 thumbprint. */
const BASE64URL_32 = /^[A-Za-z0-9_-]{43}$/;

/** The public half of a proof key as a JWK: the three members its RFC 7638 thumbprint covers, nothing else. */
export interface ProofPublicJwk {
  /** Always `OKP`. */
  readonly kty: 'OKP';
  /** Always `Ed25519`. */
  readonly crv: 'Ed25519';
  /** The public key, 32 bytes in unpadded base64url. */
  readonly x: string;
}

/**
 * A key its holder proves possession of when starting a workflow (RFC 7800 `cnf`, a
 * DPoP-like proof as in RFC 9449): an identity token bound to it carries
 * `cnf: { jkt: thumbprint }`, and every start sends a fresh proof signed with
 * `privateKey`. Someone who copies the token out of a history holds no such key, so
 * cannot start runs as its principal. Made by `generateProofKey` or `importProofKey`.
 */
export interface ProofKey {
  /** The Ed25519 private key that signs start proofs; never logged, never serialised except by `exportProofKey`. */
  readonly privateKey: webcrypto.CryptoKey | KeyObject;
  /** The public half as a JWK with only `kty`, `crv` and `x`, as a start proof embeds it. */
  readonly publicJwk: ProofPublicJwk;
  /** The RFC 7638 SHA-256 thumbprint of `publicJwk`, base64url: the `cnf.jkt` a bound token names. */
  readonly thumbprint: string;
}

/**
 * A proof key as a private JWK, for a credentials file: the public members, `d`, and
 * optionally the thumbprint as `kid` (checked when present). Unknown members are refused.
 */
export const ProofKeyJwkSchema = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(BASE64URL_32, 'must be 32 bytes in unpadded base64url'),
  d: z.string().regex(BASE64URL_32, 'must be 32 bytes in unpadded base64url'),
  kid: z.string().regex(BASE64URL_32, 'must be the key\'s RFC 7638 SHA-256 thumbprint').optional(),
});

/** A proof key's private JWK; as secret as the key itself. (The type `ProofKeyJwkSchema` checks, written out.) */
export interface ProofKeyJwk {
  /** Always `OKP`. */
  kty: 'OKP';
  /** Always `Ed25519`. */
  crv: 'Ed25519';
  /** The public key, 32 bytes in unpadded base64url. */
  x: string;
  /** The private key, 32 bytes in unpadded base64url. */
  d: string;
  /** The key's RFC 7638 thumbprint, when given. */
  kid?: string | undefined;
}
type _ProofKeyJwkIsTheSchemas = Assert<SameType<ProofKeyJwk, z.infer<typeof ProofKeyJwkSchema>>>;

/** Makes a fresh Ed25519 proof key. */
export async function generateProofKey(): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateEd25519('ed25519');
  return proofKeyFrom(privateKey, publicKey);
}

/**
 * Reads a proof key from its private JWK (see `ProofKeyJwkSchema`) and checks that `d`
 * and `x` are halves of one key and that `kid`, when present, is its thumbprint: a file
 * whose public member had been swapped would otherwise sign proofs no token confirms.
 * Anything else is `INPUT_INVALID`, listing every problem; the key material never
 * appears in the error.
 */
export async function importProofKey(jwk: unknown): Promise<ProofKey> {
  const parsed = ProofKeyJwkSchema.safeParse(jwk);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message }));
    throw invalidKey(issues);
  }
  const { kty, crv, x, d, kid } = parsed.data;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: { kty, crv, x, d }, format: 'jwk' });
  } catch {
    throw invalidKey([{ path: '$.d', message: 'is not an Ed25519 private key' }]);
  }
  const key = await proofKeyFrom(privateKey, createPublicKey(privateKey));
  if (key.publicJwk.x !== x) throw invalidKey([{ path: '$.x', message: 'is not the public half of d' }]);
  if (kid !== undefined && kid !== key.thumbprint) throw invalidKey([{ path: '$.kid', message: "is not the key's RFC 7638 thumbprint" }]);
  return key;
}

/** The private JWK of `key` (with its thumbprint as `kid`), for a credentials file written with mode 0600. */
export function exportProofKey(key: ProofKey): ProofKeyJwk {
  const exported = asKeyObject(key.privateKey).export({ format: 'jwk' });
  if (typeof exported.d !== 'string') throw new WritError('INPUT_INVALID', 'the proof key holds no exportable private key');
  return { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x, d: exported.d, kid: key.thumbprint };
}

/**
 * Checks, without awaiting, that `value` is a usable proof key: an Ed25519 private key,
 * a public JWK holding exactly its public half, and that JWK's thumbprint. The plugin
 * validates its options with this when it is constructed. Returns every problem found.
 */
export function proofKeyIssues(value: unknown): WritIssue[] {
  if (typeof value !== 'object' || value === null) return [{ path: '(root)', message: 'must be a proof key (generateProofKey or importProofKey)' }];
  const { privateKey, publicJwk, thumbprint } = value as Partial<Record<keyof ProofKey, unknown>>;
  const issues: WritIssue[] = [];
  const jwk = Ed25519PublicJwkSchema.safeParse(publicJwk);
  if (!jwk.success) issues.push({ path: 'publicJwk', message: 'must be a public Ed25519 JWK with only kty, crv and x' });
  let derivedX: string | undefined;
  try {
    const key = asKeyObject(privateKey);
    if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
    derivedX = createPublicKey(key).export({ format: 'jwk' }).x;
  } catch {
    issues.push({ path: 'privateKey', message: 'must be an Ed25519 private key (KeyObject or CryptoKey)' });
  }
  if (jwk.success && derivedX !== undefined && derivedX !== jwk.data.x) issues.push({ path: 'publicJwk', message: 'is not the public half of privateKey' });
  if (jwk.success && thumbprint !== ed25519Thumbprint(jwk.data.x)) issues.push({ path: 'thumbprint', message: "must be publicJwk's RFC 7638 SHA-256 thumbprint" });
  return issues;
}

/**
 * The RFC 7638 SHA-256 thumbprint of an Ed25519 public key, computed synchronously: the
 * digest of `{"crv":"Ed25519","kty":"OKP","x":…}` (required members, lexicographic order,
 * no whitespace), base64url. Agrees with jose's calculateJwkThumbprint (tested).
 */
export function ed25519Thumbprint(x: string): string {
  return createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x })).digest('base64url');
}

async function proofKeyFrom(privateKey: KeyObject, publicKey: KeyObject): Promise<ProofKey> {
  const x = publicKey.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new WritError('INPUT_INVALID', 'the proof key has no public coordinate');
  const publicJwk: ProofPublicJwk = { kty: 'OKP', crv: 'Ed25519', x };
  return { privateKey, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

function asKeyObject(key: unknown): KeyObject {
  if (key instanceof KeyObject) return key;
  // A WebCrypto key (jose's generateKeyPair makes these); KeyObject.from refuses anything else.
  return KeyObject.from(key as webcrypto.CryptoKey);
}

function invalidKey(issues: WritIssue[]): WritError {
  return new WritError('INPUT_INVALID', `proof key is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}
