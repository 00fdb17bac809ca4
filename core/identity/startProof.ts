import { createHash, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { z } from 'zod';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError, isWritError } from '../errors/writError';
import { verifyEd25519Jws } from '../artifact/verify/verifyEd25519Jws';
import { Ed25519PublicJwkSchema, hasPrivateJwkMember, type Ed25519PublicJwk } from '../keys/ed25519Jwk';
import { ed25519Thumbprint, type ProofKey } from './proofKey';

/** The `typ` of a start proof, pinned: no other JWS (an artifact, an identity token) passes for one. */
export const START_PROOF_TYPE = 'writ-start+jwt';

/** The one algorithm a start proof may use. */
export const START_PROOF_ALG = 'EdDSA';

/**
 * The longest start proof accepted, in characters, refused before any decoding. A proof
 * is a small header, two ids of at most Temporal's default 1,000 characters each, a
 * digest, a time and a uuid: about 3 KB at the very most.
 */
export const MAX_START_PROOF_LENGTH = 8192;

/** What one workflow start is: the proof is over exactly these. */
export interface StartProofBinding {
  /** The id of the workflow being started. */
  readonly workflowId: string;
  /** The workflow type being started. */
  readonly workflowType: string;
  /** The identity token sent with this start (its SHA-256 is the proof's `ath`). */
  readonly identityToken: string;
}

/** What `verifyStartProof` checks a proof against, from the start and its verified token. */
export interface StartProofExpectation extends StartProofBinding {
  /** The token's `cnf.jkt`: the thumbprint of the only key whose proofs it accepts. */
  readonly confirmedThumbprint: string;
  /** The verifier's clock. */
  readonly now: Date;
  /** How far in the future `iat` may be (and past `notAfter`), in seconds, for clock skew. */
  readonly clockToleranceSeconds: number;
  /** The token's expiry: a proof made after its token expired is refused. */
  readonly notAfter: Date;
}

/** A start proof that passed every check. */
export interface VerifiedStartProof {
  /** The proof's unique id: a verifier records it so that one proof starts one run. */
  readonly jti: string;
  /** When the holder made the proof, in seconds since the epoch. */
  readonly iat: number;
  /** The thumbprint of the key that signed it, equal to the token's `cnf.jkt`. */
  readonly thumbprint: string;
}

/** The claims of a start proof, exactly these. */
const StartProofClaimsSchema = z.strictObject({
  wid: z.string().min(1),
  wty: z.string().min(1),
  ath: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the base64url SHA-256 of the identity token'),
  iat: z.number().int().nonnegative(),
  jti: z.string().min(1).max(128),
});

type StartProofClaims = z.infer<typeof StartProofClaimsSchema>;

// Exactly these members: no `kid`, `jku`, `x5c`, `crit` or `b64` that could steer key
// selection or processing; the key is the embedded one, judged by its thumbprint.
const ProtectedHeaderSchema = z.strictObject({
  typ: z.string(),
  alg: z.string(),
  jwk: z.unknown(),
});

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * `base64url(SHA-256(token))`, the `ath` of a proof over `token` (as RFC 9449 binds a
 * DPoP proof to its access token): the proof names the token without repeating it.
 */
export function identityTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/**
 * Signs a start proof with `key`: a compact JWS, `EdDSA`, protected header
 * `{ typ: "writ-start+jwt", alg: "EdDSA", jwk }` (the key's public JWK) and claims
 * `{ wid, wty, ath, iat, jti }`: this start's workflow id and type, the hash of the token
 * sent with it, the time (`now`, whole seconds) and a fresh uuid. A client makes one per
 * start; the identity interceptor does so when given the key.
 */
export async function createStartProof(key: ProofKey, binding: StartProofBinding, now: Date = new Date()): Promise<string> {
  const claims: StartProofClaims = {
    wid: binding.workflowId,
    wty: binding.workflowType,
    ath: identityTokenHash(binding.identityToken),
    iat: Math.floor(now.getTime() / 1000),
    jti: randomUUID(),
  };
  const publicJwk: Ed25519PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x };
  return new CompactSign(Buffer.from(JSON.stringify(claims), 'utf8'))
    .setProtectedHeader({ typ: START_PROOF_TYPE, alg: START_PROOF_ALG, jwk: publicJwk })
    .sign(key.privateKey);
}

/**
 * Verifies the start proof sent with a workflow start whose identity token is bound to a
 * key (`cnf.jkt`), as a list of steps, each throwing a WritError (an unusable
 * `expected`, such as an invalid date, is the caller's `CONFIG_INVALID` first):
 * 1. a proof is present (`START_PROOF_MISSING`);
 * 2. it is a bounded compact JWS whose protected header is exactly `typ`, `alg`, `jwk`,
 *    with the pinned type and algorithm (`START_PROOF_INVALID`);
 * 3. the embedded `jwk` is a public Ed25519 key and nothing more (`START_PROOF_INVALID`);
 * 4. the signature verifies with that key (`START_PROOF_INVALID`);
 * 5. the key's thumbprint is the token's `cnf.jkt` (`START_PROOF_KEY_MISMATCH`);
 * 6. the claims are exactly `wid`, `wty`, `ath`, `iat`, `jti`, well typed (`START_PROOF_INVALID`);
 * 7. `iat` is neither in the future nor after the token's expiry, beyond the tolerance
 *    (`START_PROOF_INVALID`);
 * 8. `wid`, `wty` and `ath` are this start's workflow id, type and token (`START_PROOF_BINDING_MISMATCH`).
 * Single use (each `jti` once) is the caller's to record.
 */
export async function verifyStartProof(proof: string | undefined, expected: StartProofExpectation): Promise<VerifiedStartProof> {
  requireUsableExpectation(expected);
  const compact = requirePresentProof(proof);
  const { jwk, key } = requirePublicEd25519Key(decodeProtectedHeader(compact));
  const payload = requireValidSignature(compact, key);
  const thumbprint = requireConfirmedKey(jwk, expected.confirmedThumbprint);
  const claims = parseClaims(payload);
  requireTimely(claims, expected);
  requireBinding(claims, expected);
  return { jti: claims.jti, iat: claims.iat, thumbprint };
}

/**
 * A time that is not a number would make every comparison false, so every proof timely:
 * the caller's own mistake is refused (CONFIG_INVALID) before any proof is looked at.
 */
function requireUsableExpectation(expected: StartProofExpectation): void {
  const tolerance = expected.clockToleranceSeconds;
  if (!Number.isFinite(expected.now.getTime()) || !Number.isFinite(expected.notAfter.getTime()) || !Number.isInteger(tolerance) || tolerance < 0 || tolerance > 300) {
    throw new WritError('CONFIG_INVALID', 'verifyStartProof needs valid now and notAfter dates and a clock tolerance of 0 to 300 whole seconds');
  }
}

function requirePresentProof(proof: unknown): string {
  if (proof === undefined || proof === null || proof === '') throw new WritError('START_PROOF_MISSING', 'the identity token is bound to a key, and no start proof was sent');
  if (typeof proof !== 'string') throw invalid('start proof is not a string');
  if (proof.length > MAX_START_PROOF_LENGTH) throw invalid(`start proof is longer than ${MAX_START_PROOF_LENGTH} characters`);
  if (!COMPACT_JWS.test(proof)) throw invalid('start proof is not a compact JWS');
  return proof;
}

function decodeProtectedHeader(compact: string): unknown {
  let header: unknown;
  try {
    // Strict: a header naming a member twice (say `alg`) is malformed, not last-wins.
    header = parseStrictJson(Buffer.from(compact.slice(0, compact.indexOf('.')), 'base64url').toString('utf8'));
  } catch {
    throw invalid('start proof header is not JSON');
  }
  const parsed = ProtectedHeaderSchema.safeParse(header);
  if (!parsed.success) throw invalid('start proof header must hold exactly typ, alg and jwk');
  if (parsed.data.typ !== START_PROOF_TYPE) throw invalid(`start proof typ must be "${START_PROOF_TYPE}"`);
  if (parsed.data.alg !== START_PROOF_ALG) throw invalid(`start proof alg must be ${START_PROOF_ALG}`);
  return parsed.data.jwk;
}

function requirePublicEd25519Key(jwk: unknown): { jwk: Ed25519PublicJwk; key: KeyObject } {
  // Named apart from the shape check: a proof that carries its private key is a leak, not a typo.
  if (hasPrivateJwkMember(jwk)) throw invalid('start proof jwk carries private key material');
  const parsed = Ed25519PublicJwkSchema.safeParse(jwk);
  if (!parsed.success) throw invalid('start proof jwk must be a public Ed25519 key with only kty, crv and x');
  try {
    return { jwk: parsed.data, key: createPublicKey({ key: parsed.data, format: 'jwk' }) };
  } catch {
    throw invalid('start proof jwk is not a usable Ed25519 public key');
  }
}

function requireValidSignature(compact: string, key: KeyObject): Buffer {
  try {
    return verifyEd25519Jws(compact, key);
  } catch (error) {
    if (isWritError(error)) throw invalid('start proof signature does not verify with its jwk');
    throw error;
  }
}

function requireConfirmedKey(jwk: Ed25519PublicJwk, confirmedThumbprint: string): string {
  const thumbprint = ed25519Thumbprint(jwk.x);
  if (thumbprint !== confirmedThumbprint) {
    throw new WritError('START_PROOF_KEY_MISMATCH', 'start proof is signed by another key than the one the identity token is bound to', { facts: { thumbprint } });
  }
  return thumbprint;
}

function parseClaims(payload: Buffer): StartProofClaims {
  let claims: unknown;
  try {
    claims = parseStrictJson(payload.toString('utf8'));
  } catch {
    throw invalid('start proof claims are not JSON');
  }
  const parsed = StartProofClaimsSchema.safeParse(claims);
  if (!parsed.success) {
    throw invalid(`start proof claims are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function requireTimely(claims: StartProofClaims, expected: StartProofExpectation): void {
  const now = Math.floor(expected.now.getTime() / 1000);
  const notAfter = Math.floor(expected.notAfter.getTime() / 1000);
  if (claims.iat > now + expected.clockToleranceSeconds) throw invalid('start proof iat is in the future');
  if (claims.iat > notAfter + expected.clockToleranceSeconds) throw invalid('start proof was made after its identity token expired');
}

function requireBinding(claims: StartProofClaims, expected: StartProofBinding): void {
  if (claims.wid !== expected.workflowId) throw bindingMismatch('start proof was made for another workflow id');
  if (claims.wty !== expected.workflowType) throw bindingMismatch('start proof was made for another workflow type');
  if (claims.ath !== identityTokenHash(expected.identityToken)) throw bindingMismatch('start proof was made for another identity token');
}

function invalid(message: string): WritError {
  return new WritError('START_PROOF_INVALID', message);
}

function bindingMismatch(message: string): WritError {
  return new WritError('START_PROOF_BINDING_MISMATCH', message);
}
