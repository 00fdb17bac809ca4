import fc from 'fast-check';
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACT_TYP, ArtifactClaimsSchema, type ArtifactClaims } from '../../core/artifact/claims';
import { intentDigest } from '../../core/artifact/intentDigest';
import { verifyArtifact } from '../../core/artifact/verifyArtifact';
import { canonicalJson } from '../../core/canonical/canonicalJson';
import { WRIT_ERROR_CODES, WritError, type WritErrorCode } from '../../core/errors/writError';
import { KeyStore, type SigningKey } from '../../core/keys/keyStore';
import { localSigner } from '../../core/keys/localSigner';
import { KeyStoreTrust } from '../../core/keys/keyStoreTrust';
import { ACTIVE_POLICY_DIGEST, TARGET, factsFor, payloadOf, signCompactEd25519 } from '../core/artifact/artifactTestKit';
import { forge, validContent } from '../support/forgeArtifact';
import { fuzzParameters } from './fuzzParameters';

// Properties of the enforcement point's verifier under hostile input: whatever arrives in
// the artifact header, verifyArtifact resolves to claims or rejects with a WritError whose
// code is one of the pipeline's (never a TypeError, RangeError or other raw error that
// would escape the stable codes), and it accepts only a token signed by the trusted key
// with the pinned header over claims that bind this very execution.

const NOW = new Date('2030-01-01T00:00:00Z');
const T = NOW.getTime() / 1000;
const FACTS = factsFor(TARGET);

/** The codes the verification pipeline may raise; anything else is a crash. */
const PIPELINE_CODES: ReadonlySet<WritErrorCode> = new Set([...WRIT_ERROR_CODES.filter((code) => code.startsWith('ARTIFACT_')), 'POLICY_STALE']);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let keyDir: string;
/** The enforcement point's key trust, as a worker builds it: the key store's keys and their signing periods. */
let trust: KeyStoreTrust;
/** The store's active key as a KeyObject: the fuzzer signs what Writ's signer never would. */
let signer: SigningKey;
let trustedPublic: KeyObject;
/** A genuine artifact for TARGET, minted at NOW for 60 s: the one token that must pass. */
let genuine: string;
let genuineClaims: ArtifactClaims;
const foreignKey = generateKeyPairSync('ed25519').privateKey;

beforeAll(async () => {
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-fuzz-keys-'));
  const store = KeyStore.open(path.join(keyDir, 'keys'));
  await store.ensureActive();
  signer = await store.loadSigningKey();
  trust = new KeyStoreTrust(store, 5, 5);
  trustedPublic = createPublicKey(signer.key);
  genuine = await forge(validContent(TARGET), localSigner(signer.kid, signer.key), NOW, 60);
  genuineClaims = payloadOf(genuine) as unknown as ArtifactClaims;
});

afterAll(() => fs.rmSync(keyDir, { recursive: true, force: true }));

type Verdict = { readonly accepted: true; readonly claims: ArtifactClaims } | { readonly accepted: false; readonly code: WritErrorCode };

/** Verifies as the enforcement point does; a rejection that is not a pipeline WritError fails the property. */
async function judge(token: unknown): Promise<Verdict> {
  try {
    return { accepted: true, claims: await verifyArtifact(token, FACTS, { keys: trust, now: NOW, clockSkewSeconds: 0, maxLifetimeSeconds: 900, activePolicyDigest: ACTIVE_POLICY_DIGEST }) };
  } catch (error) {
    if (!(error instanceof WritError)) throw new Error(`verifyArtifact crashed with ${String(error)}`, { cause: error });
    if (!PIPELINE_CODES.has(error.code)) throw new Error(`verifyArtifact rejected with ${error.code}, not a pipeline code`);
    return { accepted: false, code: error.code };
  }
}

/**
 * What acceptance must imply: the token is three parts whose signature verifies with the
 * trusted key over the exact signing input, the header is exactly the pinned one, and the
 * claims are schema-valid, bind these facts and this moment. (The byte-mutation property
 * asks more: the token is the genuine one, byte for byte.)
 */
function expectAcceptedSoundly(token: unknown, claims: ArtifactClaims): void {
  expect(typeof token).toBe('string');
  const [head = '', payload = '', signature = '', ...rest] = (token as string).split('.');
  expect(rest).toEqual([]);
  expect(verify(null, Buffer.from(`${head}.${payload}`, 'ascii'), trustedPublic, Buffer.from(signature, 'base64url'))).toBe(true);
  expect(canonicalJson(JSON.parse(Buffer.from(head, 'base64url').toString('utf8')))).toBe(canonicalJson({ alg: 'EdDSA', typ: ARTIFACT_TYP, kid: signer.kid }));
  expect(ArtifactClaimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).success).toBe(true);
  const { runtime, intent, policy } = claims.writ;
  expect([runtime.namespace, runtime.taskQueue, runtime.workflowId, runtime.runId, runtime.activityId, intent.action, intent.argsDigest, policy.digest]).toEqual([
    FACTS.namespace,
    FACTS.taskQueue,
    FACTS.workflowId,
    FACTS.runId,
    FACTS.activityId,
    FACTS.activityType,
    intentDigest(FACTS.activityType, FACTS.args),
    ACTIVE_POLICY_DIGEST,
  ]);
  expect(FACTS.attempt).toBeLessThanOrEqual(runtime.maxAttempts);
  expect(claims.iat <= claims.nbf && claims.nbf <= T && T < claims.exp && claims.exp - claims.iat <= 900).toBe(true);
}

// ---------------------------------------------------------------------------------------
// Arbitraries.

/** Strings shaped like compact JWS: a few base64url-ish parts joined by dots. */
const compactLike = fc
  .array(fc.oneof(fc.string({ unit: fc.constantFrom(...BASE64URL) }), fc.base64String(), fc.string()), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join('.'));

const oddCharacter = fc.constantFrom('.', '=', '+', '/', ' ', '\n', '\u0000', '\u0410', '\ud800', '%', '"');
const edit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'insert'),
  char: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...BASE64URL) }, { weight: 1, arbitrary: oddCharacter }),
});

function applyEdits(token: string, edits: readonly { at: number; kind: string; char: string }[]): string {
  let text = token;
  for (const { at, kind, char } of edits) {
    const index = text.length === 0 ? 0 : at % (text.length + (kind === 'insert' ? 1 : 0));
    if (kind === 'replace') text = `${text.slice(0, index)}${char}${text.slice(index + 1)}`;
    else if (kind === 'delete') text = `${text.slice(0, index)}${text.slice(index + 1)}`;
    else text = `${text.slice(0, index)}${char}${text.slice(index)}`;
  }
  return text;
}

/** One bit flipped in the decoded bytes of one part, re-encoded canonically. */
function flipBit(token: string, part: number, bit: number): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  if (bytes.length === 0) return token;
  const index = bit % (bytes.length * 8);
  bytes[index >> 3] = (bytes[index >> 3] ?? 0) ^ (1 << (index & 7));
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

const HEADER_MEMBERS = ['alg', 'typ', 'kid', 'jwk', 'jku', 'x5c', 'x5u', 'x5t', 'crit', 'b64', 'cty', 'zip', 'enc', '__proto__', 'Alg', 'kid '] as const;

/** Near-miss protected headers: some pinned members kept, others added or replaced. */
function headerArbitrary(): fc.Arbitrary<Record<string, unknown>> {
  const value = fc.oneof(
    fc.constantFrom<unknown>('EdDSA', ARTIFACT_TYP, 'none', 'HS256', 'ES256', 'eddsa', 'Ed25519', 'JWT', '', ['EdDSA'], null, true, 0),
    fc.constant(null).map(() => signer.kid),
    fc.jsonValue({ maxDepth: 2 }),
  );
  return fc
    .tuple(fc.subarray(['alg', 'typ', 'kid'] as const), fc.dictionary(fc.constantFrom(...HEADER_MEMBERS), value, { maxKeys: 3 }))
    .map(([kept, extra]) => {
      const pinned: Record<string, unknown> = { alg: 'EdDSA', typ: ARTIFACT_TYP, kid: signer.kid };
      const header: Record<string, unknown> = {};
      for (const member of kept) header[member] = pinned[member];
      for (const [member, memberValue] of Object.entries(extra)) {
        Object.defineProperty(header, member, { value: memberValue, enumerable: true, configurable: true, writable: true });
      }
      return header;
    });
}

/** Every path into the genuine claims (objects, arrays and leaves). */
function pathsOf(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof node !== 'object' || node === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
  return entries.flatMap(([key, value]) => [[...prefix, key], ...pathsOf(value, [...prefix, key])]);
}

/** Values a mutated claim may take: random JSON, times around NOW, and the facts' own strings. */
function claimValueArbitrary(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.integer({ min: T - 2000, max: T + 2000 }),
    fc.constantFrom<unknown>(0, -1, 1.5, 2 ** 53, 9e12, '', null, [], {}, 'sha256:'.padEnd(71, '0'), ...Object.values(FACTS).filter((v) => typeof v === 'string')),
  );
}

const claimMutation = fc.record({ path: fc.nat(), op: fc.constantFrom('delete', 'replace', 'add'), key: fc.string({ maxLength: 8 }), value: fc.constant(null).chain(() => claimValueArbitrary()) });

function mutateClaims(base: ArtifactClaims, mutations: readonly { path: number; op: string; key: string; value: unknown }[]): unknown {
  const claims = structuredClone(base) as unknown as Record<string, unknown>;
  const paths = pathsOf(claims);
  for (const mutation of mutations) {
    const path = paths[mutation.path % paths.length] ?? [];
    let parent: Record<string | number, unknown> = claims;
    for (const step of path.slice(0, -1)) {
      const next = parent[step];
      if (typeof next !== 'object' || next === null) break;
      parent = next as Record<string | number, unknown>;
    }
    const last = path[path.length - 1] ?? '';
    if (mutation.op === 'delete') delete parent[last];
    else if (mutation.op === 'replace') parent[last] = mutation.value;
    else Object.defineProperty(parent, mutation.key, { value: mutation.value, enumerable: true, configurable: true, writable: true });
  }
  return claims;
}

// ---------------------------------------------------------------------------------------
// Properties.

describe('verifyArtifact under fuzzing', () => {
  it('accepts the genuine artifact (the control for every property below)', async () => {
    const verdict = await judge(genuine);
    expect(verdict.accepted).toBe(true);
    if (verdict.accepted) expectAcceptedSoundly(genuine, verdict.claims);
  });

  it('never crashes on and never accepts arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 400 }), compactLike), async (token) => {
        expect((await judge(token)).accepted).toBe(false);
      }),
      fuzzParameters(1000),
    );
  });

  it('never crashes on and never accepts values that are not strings', async () => {
    const anything = fc.anything({ withMap: true, withSet: true, withDate: true, withTypedArray: true, withBigInt: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true });
    await fc.assert(
      fc.asyncProperty(anything, async (token) => {
        expect((await judge(token)).accepted).toBe(false);
      }),
      fuzzParameters(300),
    );
  });

  it('accepts a character-level mutation of the genuine artifact only when it is the genuine artifact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const token = applyEdits(genuine, edits);
        const verdict = await judge(token);
        expect(verdict.accepted).toBe(token === genuine);
      }),
      fuzzParameters(1000),
    );
  });

  it('refuses every single-bit flip of the genuine artifact\'s header, payload or signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 }), fc.nat(), async (part, bit) => {
        const token = flipBit(genuine, part, bit);
        expect(token).not.toBe(genuine);
        expect((await judge(token)).accepted).toBe(false);
      }),
      fuzzParameters(500),
    );
  });

  it('accepts a trusted signature under a random header only when the header is exactly the pinned one', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(headerArbitrary(), async (header) => {
        const token = signCompactEd25519(header, genuineClaims, signer.key);
        const verdict = await judge(token);
        if (verdict.accepted) {
          accepted += 1;
          expectAcceptedSoundly(token, verdict.claims);
        }
      }),
      fuzzParameters(500),
    );
    // The pinned header itself is among the near misses, so the acceptance check has run.
    expect(accepted).toBeGreaterThan(0);
  });

  it('never accepts a foreign signature, whatever header it comes under', async () => {
    await fc.assert(
      fc.asyncProperty(headerArbitrary(), async (header) => {
        expect((await judge(signCompactEd25519(header, genuineClaims, foreignKey))).accepted).toBe(false);
      }),
      fuzzParameters(300),
    );
  });

  it('accepts randomly mutated claims signed by the trusted key only when they still bind this execution and window', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(claimMutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const token = signCompactEd25519({ alg: 'EdDSA', typ: ARTIFACT_TYP, kid: signer.kid }, mutateClaims(genuineClaims, mutations), signer.key);
        const verdict = await judge(token);
        if (verdict.accepted) {
          accepted += 1;
          expectAcceptedSoundly(token, verdict.claims);
        }
      }),
      fuzzParameters(1000),
    );
    // About one mutation in a hundred leaves the claims valid (another jti, subject or
    // determining policy): the acceptance check has run, not only the refusals.
    expect(accepted).toBeGreaterThan(0);
  });

  it('never crashes on arbitrary payload bytes or JSON signed by the trusted key', async () => {
    const payload = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), fc.json({ maxDepth: 4 }).map((text) => Buffer.from(text, 'utf8')));
    await fc.assert(
      fc.asyncProperty(payload, async (bytes) => {
        const head = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: ARTIFACT_TYP, kid: signer.kid })).toString('base64url');
        const input = `${head}.${bytes.toString('base64url')}`;
        const token = bytes.length === 0 ? `${input}.` : `${input}.${sign(null, Buffer.from(input, 'ascii'), signer.key).toString('base64url')}`;
        expect((await judge(token)).accepted).toBe(false);
      }),
      fuzzParameters(500),
    );
  });
});
