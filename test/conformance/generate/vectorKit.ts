import { calculateJwkThumbprint } from 'jose';
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ARTIFACT_AUDIENCE, ARTIFACT_ISSUER, ARTIFACT_TYP, type ArtifactClaims } from '../../../core/artifact/claims';
import { intentDigest } from '../../../core/artifact/intentDigest';
import type { Signer } from '../../../core/artifact/mintArtifact';
import { signCompactJws } from '../../../core/artifact/signCompactJws';
import { localSigner } from '../../../core/keys/localSigner';
import type { ExecutionFacts } from '../../../core/artifact/verify/executionFacts';
import { canonicalDigest, sha256Digest } from '../../../core/canonical/digest';
import type { WritErrorCode } from '../../../core/errors/writError';

// What every conformance case is built from: the fixed clock, the execution, the keys of
// one generation run, the claims of a genuine artifact, and ways to sign and spoil them.

// The fixed clock every case is judged by: 2026-01-15T12:00:00Z, in seconds.
export const NOW = 1_768_478_400;
// Artifacts are issued ten seconds before NOW with the default 60 s lifetime.
export const ISSUED = NOW - 10;
export const TTL = 60;
export const DEFAULT_SKEW = 5;
export const MAX_LIFETIME = 900;

/** The execution every case is presented for, unless the case changes it. */
export const FACTS: ExecutionFacts = {
  namespace: 'writ',
  taskQueue: 'writ-governed',
  workflowId: 'transfer-42',
  runId: '5b1c1b8e-6f8c-4d1e-9a3e-1f2a3b4c5d6e',
  activityId: 'writ-step-1.1',
  activityType: 'transferFunds',
  attempt: 1,
  args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 777 }],
};

export const POLICY_DIGEST = sha256Digest('conformance: the policy set in force');
export const OTHER_POLICY_DIGEST = sha256Digest('conformance: a policy set no longer in force');

/** One Ed25519 key of the generation run: private half kept in memory only. */
export interface GeneratedKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: { kty: string; crv: string; x: string; kid: string; alg: string; use: string; writ_purpose?: 'authorization' | 'receipt' };
}

/** Every key the cases are signed with; thrown away when generation ends. */
export interface KeyMaterial {
  /** Trusted, the active signer. */
  readonly a: GeneratedKey;
  /** Trusted, a second key in the set (a rotated-out signer, still verify-only). */
  readonly b: GeneratedKey;
  /** Foreign: in no trusted set. */
  readonly foreign: GeneratedKey;
  readonly p256: KeyObject;
  readonly secp256k1: KeyObject;
  readonly ed448: KeyObject;
  readonly rsa: KeyObject;
}

/** What the generator writes for one case; README text comes from `why` and `detail`. */
export interface CaseSpec {
  readonly name: string;
  readonly why: string;
  readonly detail?: string;
  readonly token: string;
  readonly facts?: ExecutionFacts;
  readonly keys?: readonly GeneratedKey[];
  readonly now?: number;
  readonly clockSkewSeconds?: number;
  readonly maxLifetimeSeconds?: number;
  /** null: the case gives no active policy digest (freshness is not judged). */
  readonly activePolicyDigest?: string | null;
  /** When each key was the active signer (times in seconds); absent: periods are not judged. */
  readonly signingPeriods?: { readonly keyRotationGraceSeconds: number; readonly keys: readonly SigningPeriod[] };
  readonly expected: { readonly ok: true } | { readonly ok: false; readonly code: WritErrorCode };
}

/** One key's life in the key store, in seconds; null where the manifest records nothing. */
export interface SigningPeriod {
  readonly key: GeneratedKey;
  readonly status: 'active' | 'verify-only';
  readonly createdAt: number;
  readonly activatedAt: number | null;
  readonly deactivatedAt: number | null;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type MutableClaims = { [key: string]: Json };


/** Generates the keys of one generation run; their private halves never leave memory. */
export async function keyMaterial(): Promise<KeyMaterial> {
  const ed25519 = async (): Promise<GeneratedKey> => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const { kty, crv, x } = createPublicKey(privateKey).export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
    const kid = await calculateJwkThumbprint({ kty, crv, x }, 'sha256');
    return { kid, privateKey, publicJwk: { kty, crv, x, kid, alg: 'EdDSA', use: 'sig' } };
  };
  return {
    a: await ed25519(),
    b: await ed25519(),
    foreign: await ed25519(),
    p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    secp256k1: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey,
    ed448: generateKeyPairSync('ed448').privateKey,
    rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  };
}


export function baseClaims(window: { iat?: number; nbf?: number; exp?: number } = {}): MutableClaims {
  const iat = window.iat ?? ISSUED;
  const claims: ArtifactClaims = {
    iss: ARTIFACT_ISSUER,
    aud: ARTIFACT_AUDIENCE,
    sub: 'alice',
    jti: 'conformance-artifact-0001',
    iat,
    nbf: window.nbf ?? iat,
    exp: window.exp ?? iat + TTL,
    writ: {
      v: 1,
      principal: { id: 'alice', groups: ['treasury'], issuer: 'writ-dev-idp', tokenDigest: sha256Digest('conformance identity token') },
      runtime: {
        namespace: FACTS.namespace,
        taskQueue: FACTS.taskQueue,
        workflowId: FACTS.workflowId,
        runId: FACTS.runId,
        workflowType: 'transferFunds',
        stepId: 'writ-step-1',
        activityId: FACTS.activityId,
        maxAttempts: 1,
      },
      policy: { setId: 'writ-examples', version: 'conformance', digest: POLICY_DIGEST, determiningPolicies: ['transfers-permit-treasury'] },
      intent: { action: FACTS.activityType, argsDigest: intentDigest(FACTS.activityType, FACTS.args) },
      environment: { workerBuildId: 'conformance', codeDigest: canonicalDigest('conformance code'), policyInputsDigest: canonicalDigest('conformance inputs') },
      lineage: { sequence: 1, previous: null, parent: null },
    },
  };
  return JSON.parse(JSON.stringify(claims)) as MutableClaims;
}

/** The claims with one change applied to a private copy. */
export function changed(change: (claims: MutableClaims) => void, window?: { iat?: number; nbf?: number; exp?: number }): MutableClaims {
  const claims = baseClaims(window);
  change(claims);
  return claims;
}

export function at(claims: MutableClaims, ...steps: string[]): { [key: string]: Json } {
  let node: Json = claims;
  for (const step of steps) node = (node as { [key: string]: Json })[step] as Json;
  return node as { [key: string]: Json };
}

export function pinnedHeader(kid: string): Record<string, Json> {
  return { alg: 'EdDSA', typ: ARTIFACT_TYP, kid };
}

export function b64(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

/**
 * Signs as Writ's own signer does (what `mintArtifact` produces): pinned header, Ed25519.
 * Synchronous, so the cases stay plain lists; `signedByWrit` checks it gives the bytes
 * `signCompactJws` gives (Ed25519 is deterministic).
 */
export function writSigned(claims: MutableClaims, key: GeneratedKey): string {
  return withHeader(pinnedHeader(key.kid), claims, key.privateKey);
}

/** Writ's signer over `claims`, held to `writSigned`: generation stops if they ever differ. */
export async function signedByWrit(claims: MutableClaims, key: GeneratedKey): Promise<string> {
  const token = await signCompactJws(ARTIFACT_TYP, JSON.stringify(claims), signerOf(key));
  if (token !== writSigned(claims, key)) throw new Error('writSigned no longer gives the bytes signCompactJws gives');
  return token;
}

export function signerOf(key: GeneratedKey): Signer {
  return localSigner(key.kid, key.privateKey);
}

/** Ed25519 over the exact header and payload text given: any header, any payload bytes. */
export function ed25519Signed(headerText: string, payload: string | Buffer, key: KeyObject): string {
  const input = `${b64(headerText)}.${b64(payload)}`;
  return `${input}.${sign(null, Buffer.from(input, 'ascii'), key).toString('base64url')}`;
}

export function withHeader(header: Record<string, Json>, claims: MutableClaims, key: KeyObject): string {
  return ed25519Signed(JSON.stringify(header), JSON.stringify(claims), key);
}

/** A signing input under `header` signed by `signature(input)`, for other algorithms. */
export function otherAlg(header: Record<string, Json>, claims: MutableClaims, signature: (input: Buffer) => Buffer): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${signature(Buffer.from(input, 'ascii')).toString('base64url')}`;
}

export function parts(token: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload, signature];
}

// The order of the Ed25519 base point group: S must be below it (RFC 8032 section 5.1.7).
const ED25519_L = (1n << 252n) + 27742317777372353535851937790883648493n;

/** The same signature with S replaced by S + L: equal modulo L, so non-canonical. */
export function malleated(signature: string): string {
  const bytes = Buffer.from(signature, 'base64url');
  const s = BigInt(`0x${Buffer.from(bytes.subarray(32)).reverse().toString('hex')}`);
  const hex = (s + ED25519_L).toString(16).padStart(64, '0');
  const sPrime = Buffer.from(hex, 'hex').reverse();
  return Buffer.concat([bytes.subarray(0, 32), sPrime]).toString('base64url');
}

/** The last signature character changed in bits base64url decoding drops. */
export function nonCanonicalTail(signature: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(signature[signature.length - 1] ?? 'A');
  return `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
}

export function flipBit(signature: string, byte: number): string {
  const bytes = Buffer.from(signature, 'base64url');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

/** A genuinely signed artifact padded (through the principal's groups) to exactly `length` characters. */
export function sizedToken(length: number, key: GeneratedKey): string {
  const padded = (fullGroups: number, last: number): string =>
    writSigned(
      changed((c) => {
        at(c, 'writ', 'principal')['groups'] = [...Array.from({ length: fullGroups }, (_, i) => `g${i}-`.padEnd(256, 'x')), 'y'.repeat(last)];
      }),
      key,
    );
  for (let fullGroups = 0; fullGroups <= 63; fullGroups += 1) {
    // Skip ahead while even the longest last group leaves the token short.
    if (padded(fullGroups, 256).length < length) continue;
    for (let last = 1; last <= 256; last += 1) {
      const token = padded(fullGroups, last);
      if (token.length === length) return token;
      if (token.length > length) break;
    }
  }
  throw new Error(`no genuine token of exactly ${length} characters`);
}

export const fail = (code: WritErrorCode) => ({ ok: false, code }) as const;
export const pass = { ok: true } as const;


/** The approval claim: how many were required, and who approved. */
export function approvalOf(required: number, approvers: readonly string[]): Json {
  return { required, approvers: approvers.map((approver) => ({ approver, statementDigest: sha256Digest(`statement of ${approver}`) })) };
}
