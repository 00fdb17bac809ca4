import { createHmac, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ZodError } from 'zod';
import { ARTIFACT_TYP, type ArtifactClaims } from '../../../core/artifact/claims';
import { mintArtifact, type ArtifactContent, type Signer } from '../../../core/artifact/mintArtifact';
import { MAX_ARTIFACT_BYTES } from '../../../core/artifact/verify/decodeArtifact';
import type { ExecutionFacts } from '../../../core/artifact/verify/executionFacts';
import { verifyArtifact, type VerificationContext } from '../../../core/artifact/verifyArtifact';
import { sha256Digest } from '../../../core/canonical/digest';
import { WritError } from '../../../core/errors/writError';
import { localSigner } from '../../../core/keys/localSigner';
import { mintReceipt } from '../../../core/receipt/mintReceipt';
import { TrustedKeySet } from '../../../core/keys/trustedKeySet';
import { foreignSigner, forge, signRaw, validContent } from '../../support/forgeArtifact';
import {
  ACTIVE_POLICY_DIGEST,
  TARGET,
  contextAt,
  createRealKeys,
  encodeJson,
  factsFor,
  payloadOf,
  rejectionCode,
  rejectionOf,
  signCompactEd25519,
  type RealKeys,
} from './artifactTestKit';

const NOW = new Date('2030-01-01T00:00:00Z');
/** NOW in seconds: the iat and nbf of an artifact minted at NOW. */
const T = NOW.getTime() / 1000;
/** `offsetSeconds` after NOW, as a Date. */
const at = (offsetSeconds: number): Date => new Date((T + offsetSeconds) * 1000);

let keys: RealKeys;
let signer: Signer;
/** The signer's key as a KeyObject, for tokens Writ's signer would never make. */
let signingKey: KeyObject;
/** A genuine artifact for TARGET, minted at NOW for 60 s. */
let genuine: string;
let genuineClaims: ArtifactClaims;

beforeAll(async () => {
  keys = await createRealKeys();
  signer = keys.signer;
  signingKey = keys.signingKey.key;
  genuine = await forge(validContent(TARGET), signer, NOW, 60);
  genuineClaims = payloadOf(genuine) as unknown as ArtifactClaims;
});

afterAll(() => keys?.dispose());

const header = (changes: Record<string, unknown> = {}): Record<string, unknown> => ({ alg: 'EdDSA', typ: ARTIFACT_TYP, kid: signer.kid, ...changes });

/** Verifies `token` for TARGET at `now` (NOW by default) and returns the code it is refused with. */
function refusal(token: unknown, options: { facts?: ExecutionFacts; context?: Partial<VerificationContext>; now?: Date } = {}): Promise<unknown> {
  return rejectionCode(() => verifyArtifact(token, options.facts ?? factsFor(TARGET), contextAt(keys.trusted, options.now ?? NOW, options.context)));
}

/** A deep copy of the genuine claims with `change` applied, signed by the trusted key. */
async function resignedClaims(change: (claims: ArtifactClaims) => void): Promise<string> {
  const claims = structuredClone(genuineClaims);
  change(claims);
  return signRaw(header(), claims, signingKey);
}

describe('verifyArtifact', () => {
  describe('when the artifact is genuine and presented for its own execution', () => {
    it('returns the verified claims', async () => {
      const claims = await verifyArtifact(genuine, factsFor(TARGET), contextAt(keys.trusted, NOW));
      expect(claims).toEqual(genuineClaims);
      expect(claims.writ.runtime.runId).toBe(TARGET.runId);
      expect(claims.writ.policy.digest).toBe(ACTIVE_POLICY_DIGEST);
      expect([claims.iat, claims.nbf, claims.exp]).toEqual([T, T, T + 60]);
    });

    it('still verifies when the same claims are re-signed by the trusted key through signRaw', async () => {
      // The control for every claims test below: signRaw itself does not spoil anything.
      expect(await refusal(await resignedClaims(() => undefined))).toBe('NO_ERROR');
    });
  });

  describe('when the artifact is missing', () => {
    it.each([
      ['undefined', undefined],
      ['an empty string', ''],
      ['null', null],
    ])('refuses %s with ARTIFACT_MISSING', async (_kind, token) => {
      expect(await refusal(token)).toBe('ARTIFACT_MISSING');
    });
  });

  describe('when the artifact is not a compact JWS of bounded size', () => {
    it.each<[string, () => unknown]>([
      ['a number', () => 42],
      ['an object', () => ({ token: genuine })],
      ['a Buffer holding a genuine token', () => Buffer.from(genuine)],
      ['two parts', () => genuine.split('.').slice(0, 2).join('.')],
      ['four parts', () => `${genuine}.AAAA`],
      ['five parts (JWE shape)', () => `${genuine}.AAAA.BBBB`],
      ['characters outside base64url', () => genuine.replace('.', '.+')],
      ['a header that is not JSON', () => `${Buffer.from('not json').toString('base64url')}.${genuine.split('.').slice(1).join('.')}`],
      ['a header that is a JSON array', () => `${encodeJson([header()])}.${genuine.split('.').slice(1).join('.')}`],
      ['a header that is JSON null', () => `${encodeJson(null)}.${genuine.split('.').slice(1).join('.')}`],
      ['a header without kid', () => signCompactEd25519({ alg: 'EdDSA', typ: ARTIFACT_TYP }, genuineClaims, signingKey)],
      ['an empty kid', () => signCompactEd25519(header({ kid: '' }), genuineClaims, signingKey)],
    ])('refuses %s with ARTIFACT_MALFORMED', async (_kind, token) => {
      expect(await refusal(token())).toBe('ARTIFACT_MALFORMED');
    });

    it('refuses a token one character over MAX_ARTIFACT_BYTES with ARTIFACT_MALFORMED, and reads one of exactly that size', async () => {
      // An untrusted kid makes the verdict past the size check observable (ARTIFACT_KEY_UNKNOWN).
      const head = encodeJson(header({ kid: 'nobody-trusts-this-kid' }));
      const sized = (length: number): string => `${head}.${'A'.repeat(length - head.length - 2 - 4)}.AAAA`;
      expect(sized(MAX_ARTIFACT_BYTES)).toHaveLength(MAX_ARTIFACT_BYTES);
      expect(await refusal(sized(MAX_ARTIFACT_BYTES))).toBe('ARTIFACT_KEY_UNKNOWN');
      expect(await refusal(sized(MAX_ARTIFACT_BYTES + 1))).toBe('ARTIFACT_MALFORMED');
    });
  });

  describe('when the header has members that could steer key selection or processing', () => {
    const publicJwk = (): Record<string, unknown> => ({ ...createPublicKey(signingKey).export({ format: 'jwk' }) });
    it.each<[string, () => Record<string, unknown>]>([
      ['an embedded jwk', () => ({ jwk: publicJwk() })],
      ['a jku', () => ({ jku: 'https://attacker.example/jwks.json' })],
      ['an x5c chain', () => ({ x5c: ['MIIBszCCAVmgAwIBAgIUQ'] })],
      ['crit', () => ({ crit: ['exp'], exp: T + 60 })],
      ['b64: false', () => ({ b64: false })],
      ['b64: false with crit', () => ({ b64: false, crit: ['b64'] })],
      ['an unknown member', () => ({ cty: 'JWT' })],
    ])('refuses a genuinely signed header with %s as ARTIFACT_MALFORMED', async (_kind, extra) => {
      expect(await refusal(signCompactEd25519(header(extra()), genuineClaims, signingKey))).toBe('ARTIFACT_MALFORMED');
    });
  });

  describe('when the algorithm is not EdDSA', () => {
    it('refuses alg none with an empty signature as ARTIFACT_ALG_NOT_ALLOWED', async () => {
      const token = `${encodeJson(header({ alg: 'none' }))}.${encodeJson(genuineClaims)}.`;
      expect(await refusal(token)).toBe('ARTIFACT_ALG_NOT_ALLOWED');
    });

    it('refuses HS256 keyed with the trusted public key bytes as ARTIFACT_ALG_NOT_ALLOWED', async () => {
      // The classic key-confusion forgery: an HMAC whose secret is the verifier's public key.
      const publicPem = createPublicKey(signingKey).export({ type: 'spki', format: 'pem' });
      const signingInput = `${encodeJson(header({ alg: 'HS256' }))}.${encodeJson(genuineClaims)}`;
      const mac = createHmac('sha256', publicPem).update(signingInput).digest('base64url');
      expect(await refusal(`${signingInput}.${mac}`)).toBe('ARTIFACT_ALG_NOT_ALLOWED');
    });

    it('refuses a genuine ES256 signature as ARTIFACT_ALG_NOT_ALLOWED', async () => {
      const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const token = await signRaw(header({ alg: 'ES256' }), genuineClaims, p256);
      expect(await refusal(token)).toBe('ARTIFACT_ALG_NOT_ALLOWED');
    });

    it('refuses "eddsa" in the wrong case as ARTIFACT_ALG_NOT_ALLOWED', async () => {
      expect(await refusal(signCompactEd25519(header({ alg: 'eddsa' }), genuineClaims, signingKey))).toBe('ARTIFACT_ALG_NOT_ALLOWED');
    });
  });

  describe('when the type is not writ-authz+jwt', () => {
    it.each<[string, () => Record<string, unknown>]>([
      ['missing', () => ({ alg: 'EdDSA', kid: signer.kid })],
      ['JWT', () => header({ typ: 'JWT' })],
      ['the receipt type', () => header({ typ: 'writ-receipt+jwt' })],
    ])('refuses typ %s as ARTIFACT_TYP_INVALID', async (_kind, protectedHeader) => {
      expect(await refusal(await signRaw(protectedHeader(), genuineClaims, signingKey))).toBe('ARTIFACT_TYP_INVALID');
    });

    it('refuses a genuine receipt presented as an artifact as ARTIFACT_TYP_INVALID', async () => {
      const receipt = await mintReceipt(
        {
          artifactId: genuineClaims.jti,
          artifactDigest: sha256Digest(genuine),
          runId: TARGET.runId,
          activityId: TARGET.activityId,
          attempt: 1,
          outcome: 'completed',
          resultDigest: sha256Digest('result'),
        },
        signer,
        NOW,
      );
      expect(await refusal(receipt)).toBe('ARTIFACT_TYP_INVALID');
    });
  });

  describe('when the signing key is not trusted', () => {
    it('refuses an unknown kid as ARTIFACT_KEY_UNKNOWN', async () => {
      const stranger = foreignSigner('stranger-kid');
      expect(await refusal(await forge(validContent(TARGET), stranger, NOW))).toBe('ARTIFACT_KEY_UNKNOWN');
    });

    it('refuses a foreign key that claims the trusted kid as ARTIFACT_SIGNATURE_INVALID', async () => {
      const impostor = foreignSigner(signer.kid);
      expect(await refusal(await forge(validContent(TARGET), impostor, NOW))).toBe('ARTIFACT_SIGNATURE_INVALID');
    });
  });

  describe('when the artifact is signed by a key of the other purpose', () => {
    let receiptKeys: RealKeys;
    beforeAll(async () => {
      receiptKeys = await createRealKeys('receipt');
    });
    afterAll(() => receiptKeys.dispose());

    it('refuses an artifact signed by a trusted receipt key as ARTIFACT_KEY_PURPOSE_INVALID, though the signature holds', async () => {
      const both = TrustedKeySet.fromJwks({ keys: [...keys.published, ...receiptKeys.published] });
      const byExecutor = await forge(validContent(TARGET), receiptKeys.signer, NOW);
      const verify = (token: string) => rejectionCode(() => verifyArtifact(token, factsFor(TARGET), contextAt(both, NOW)));
      expect(await verify(byExecutor)).toBe('ARTIFACT_KEY_PURPOSE_INVALID');
      expect(await verify(genuine)).toBe('NO_ERROR');
    });

    it('accepts one signed by a key published before keys had purposes (no writ_purpose)', async () => {
      const legacy = TrustedKeySet.fromJwks({ keys: keys.published.map(({ writ_purpose: _purpose, ...jwk }) => jwk) });
      expect(await rejectionCode(() => verifyArtifact(genuine, factsFor(TARGET), contextAt(legacy, NOW)))).toBe('NO_ERROR');
    });
  });

  describe('when the signature does not cover what is presented', () => {
    it('refuses an altered payload under the original signature as ARTIFACT_SIGNATURE_INVALID', async () => {
      const [head, , signature] = genuine.split('.');
      const claims = structuredClone(genuineClaims);
      claims.writ.runtime.maxAttempts = 10;
      expect(await refusal(`${head}.${encodeJson(claims)}.${signature}`)).toBe('ARTIFACT_SIGNATURE_INVALID');
    });

    it('refuses an EdDSA artifact with an empty signature part as ARTIFACT_SIGNATURE_INVALID', async () => {
      const [head, payload] = genuine.split('.');
      expect(await refusal(`${head}.${payload}.`)).toBe('ARTIFACT_SIGNATURE_INVALID');
    });

    it('refuses the signature of another genuine artifact as ARTIFACT_SIGNATURE_INVALID', async () => {
      const other = await forge(validContent(TARGET), signer, NOW);
      const [head, payload] = genuine.split('.');
      expect(await refusal(`${head}.${payload}.${other.split('.')[2]}`)).toBe('ARTIFACT_SIGNATURE_INVALID');
    });
  });

  describe('when a signed claim is missing, unknown or of the wrong shape', () => {
    const required = ['iss', 'aud', 'sub', 'jti', 'iat', 'nbf', 'exp', 'writ'];
    it.each(required)('refuses an artifact without %s as ARTIFACT_CLAIMS_INVALID, naming it', async (claim) => {
      const token = await resignedClaims((claims) => delete (claims as Record<string, unknown>)[claim]);
      const error = await rejectionOf(() => verifyArtifact(token, factsFor(TARGET), contextAt(keys.trusted, NOW)));
      expect(error).toBeInstanceOf(WritError);
      expect((error as WritError).code).toBe('ARTIFACT_CLAIMS_INVALID');
      expect((error as WritError).issues.map((issue) => issue.path)).toContain(claim);
    });

    const sections = ['v', 'principal', 'runtime', 'policy', 'intent', 'environment', 'lineage'];
    it.each(sections)('refuses an artifact without writ.%s as ARTIFACT_CLAIMS_INVALID, naming it', async (section) => {
      const token = await resignedClaims((claims) => delete (claims.writ as Record<string, unknown>)[section]);
      const error = await rejectionOf(() => verifyArtifact(token, factsFor(TARGET), contextAt(keys.trusted, NOW)));
      expect((error as WritError).code).toBe('ARTIFACT_CLAIMS_INVALID');
      expect((error as WritError).issues.map((issue) => issue.path)).toContain(`writ.${section}`);
    });

    it.each<[string, (claims: ArtifactClaims) => void]>([
      ['an unknown top-level claim', (claims) => Object.assign(claims, { admin: true })],
      ['an unknown claim inside writ.runtime', (claims) => Object.assign(claims.writ.runtime, { sudo: true })],
      ['another issuer', (claims) => Object.assign(claims, { iss: 'someone-else' })],
      ['another audience', (claims) => Object.assign(claims, { aud: 'writ-audit' })],
      ['a second version of the claims', (claims) => Object.assign(claims.writ, { v: 2 })],
      ['a fractional exp', (claims) => (claims.exp += 0.5)],
      ['maxAttempts above the cap', (claims) => (claims.writ.runtime.maxAttempts = 11)],
      ['an args digest that is not a sha256 digest', (claims) => (claims.writ.intent.argsDigest = 'sha1:abc')],
    ])('refuses %s as ARTIFACT_CLAIMS_INVALID', async (_kind, change) => {
      expect(await refusal(await resignedClaims(change))).toBe('ARTIFACT_CLAIMS_INVALID');
    });

    it('refuses a trusted signature over a payload that is not JSON as ARTIFACT_CLAIMS_INVALID', async () => {
      const signingInput = `${encodeJson(header())}.${Buffer.from('not json').toString('base64url')}`;
      const token = `${signingInput}.${sign(null, Buffer.from(signingInput), signingKey).toString('base64url')}`;
      expect(await refusal(token)).toBe('ARTIFACT_CLAIMS_INVALID');
    });
  });

  describe('when the payload is JSON that is not strict', () => {
    /** The genuine claims as `text` (any JSON text), signed by the trusted key. */
    const signText = (text: string): string => {
      const signingInput = `${encodeJson(header())}.${Buffer.from(text, 'utf8').toString('base64url')}`;
      return `${signingInput}.${sign(null, Buffer.from(signingInput), signingKey).toString('base64url')}`;
    };
    const genuineText = (): string => JSON.stringify(genuineClaims);

    it('refuses a claim named twice as ARTIFACT_CLAIMS_INVALID, even when both say the same', async () => {
      const sub = JSON.stringify(genuineClaims.sub);
      expect(await refusal(signText(genuineText().replace(`"sub":${sub}`, `"sub":${sub},"sub":${sub}`)))).toBe('ARTIFACT_CLAIMS_INVALID');
    });

    it('refuses a nested claim named twice as ARTIFACT_CLAIMS_INVALID (last-wins would read another run)', async () => {
      const runId = JSON.stringify(genuineClaims.writ.runtime.runId);
      expect(await refusal(signText(genuineText().replace(`"runId":${runId}`, `"runId":"another-run-0000","runId":${runId}`)))).toBe('ARTIFACT_CLAIMS_INVALID');
    });

    it('refuses an escaped lone surrogate in a claim as ARTIFACT_CLAIMS_INVALID', async () => {
      const jti = JSON.stringify(genuineClaims.jti);
      // The six characters \ud800 inside the JSON string: JSON.parse reads a lone surrogate.
      const loneSurrogate = `"jti":${jti.slice(0, -1)}\\ud800"`;
      expect(await refusal(signText(genuineText().replace(`"jti":${jti}`, loneSurrogate)))).toBe('ARTIFACT_CLAIMS_INVALID');
    });

    it('accepts the same claims written with spaces and in another member order', async () => {
      const { writ, ...rest } = genuineClaims;
      const spaced = JSON.stringify({ writ, ...rest }, null, 2);
      await expect(verifyArtifact(signText(spaced), factsFor(TARGET), contextAt(keys.trusted, NOW))).resolves.toEqual(genuineClaims);
    });
  });

  describe('when the header differs from one already accepted', () => {
    it('still refuses a header naming alg twice as ARTIFACT_MALFORMED after the genuine header was accepted', async () => {
      await expect(verifyArtifact(genuine, factsFor(TARGET), contextAt(keys.trusted, NOW))).resolves.toBeDefined();
      const [, payload, signature] = genuine.split('.');
      const doubled = Buffer.from(`{"alg":"EdDSA","alg":"EdDSA","typ":"${ARTIFACT_TYP}","kid":"${signer.kid}"}`).toString('base64url');
      expect(await refusal(`${doubled}.${payload}.${signature}`)).toBe('ARTIFACT_MALFORMED');
    });
  });

  describe('when the artifact is judged at the edges of its window', () => {
    it('refuses it exactly at exp with no skew as ARTIFACT_EXPIRED', async () => {
      expect(await refusal(genuine, { now: at(60) })).toBe('ARTIFACT_EXPIRED');
    });

    it('accepts it one second before exp', async () => {
      expect(await refusal(genuine, { now: at(59) })).toBe('NO_ERROR');
    });

    it('accepts it exactly at nbf', async () => {
      expect(genuineClaims.nbf).toBe(T);
      expect(await refusal(genuine, { now: at(0) })).toBe('NO_ERROR');
    });

    it('refuses an nbf further in the future than the skew as ARTIFACT_NOT_YET_VALID', async () => {
      const token = await resignedClaims((claims) => (claims.nbf = T + 10));
      expect(await refusal(token, { now: at(0), context: { clockSkewSeconds: 5 } })).toBe('ARTIFACT_NOT_YET_VALID');
    });

    it('refuses an iat in the future as ARTIFACT_NOT_YET_VALID', async () => {
      const minted = await forge(validContent(TARGET), signer, at(30), 60);
      expect(await refusal(minted, { now: at(0), context: { clockSkewSeconds: 5 } })).toBe('ARTIFACT_NOT_YET_VALID');
    });

    it('refuses a lifetime over maxLifetimeSeconds as ARTIFACT_LIFETIME_EXCESSIVE, and accepts one of exactly the maximum', async () => {
      expect(await refusal(await forge(validContent(TARGET), signer, NOW, 901))).toBe('ARTIFACT_LIFETIME_EXCESSIVE');
      expect(await refusal(await forge(validContent(TARGET), signer, NOW, 900))).toBe('NO_ERROR');
      expect(await refusal(genuine, { context: { maxLifetimeSeconds: 59 } })).toBe('ARTIFACT_LIFETIME_EXCESSIVE');
    });

    it.each<[string, (claims: ArtifactClaims) => void]>([
      ['nbf before iat', (claims) => (claims.nbf = T - 1)],
      ['exp equal to nbf', (claims) => (claims.exp = claims.nbf)],
      ['exp before nbf', (claims) => (claims.exp = T - 10)],
    ])('refuses %s as ARTIFACT_LIFETIME_EXCESSIVE', async (_kind, change) => {
      expect(await refusal(await resignedClaims(change))).toBe('ARTIFACT_LIFETIME_EXCESSIVE');
    });

    describe('with a clock skew of 5 seconds', () => {
      const skewed = { clockSkewSeconds: 5 };
      it('accepts a verifier clock up to 5 s behind nbf and refuses 6 s behind as ARTIFACT_NOT_YET_VALID', async () => {
        expect(await refusal(genuine, { now: at(-5), context: skewed })).toBe('NO_ERROR');
        expect(await refusal(genuine, { now: at(-6), context: skewed })).toBe('ARTIFACT_NOT_YET_VALID');
      });

      it('accepts a verifier clock up to 4 s past exp and refuses at exp + 5 s as ARTIFACT_EXPIRED', async () => {
        expect(await refusal(genuine, { now: at(64), context: skewed })).toBe('NO_ERROR');
        expect(await refusal(genuine, { now: at(65), context: skewed })).toBe('ARTIFACT_EXPIRED');
      });
    });
  });

  describe('when the artifact is presented for another execution', () => {
    it.each<[string, Partial<ExecutionFacts>]>([
      ['namespace', { namespace: 'other-namespace' }],
      ['task queue', { taskQueue: 'other-queue' }],
      ['workflow id', { workflowId: 'transfer-43' }],
    ])('refuses another %s as ARTIFACT_CONTEXT_MISMATCH', async (_kind, changes) => {
      expect(await refusal(genuine, { facts: factsFor(TARGET, changes) })).toBe('ARTIFACT_CONTEXT_MISMATCH');
    });

    it('refuses another run of the same workflow as ARTIFACT_RUN_MISMATCH', async () => {
      expect(await refusal(genuine, { facts: factsFor(TARGET, { runId: 'another-run' }) })).toBe('ARTIFACT_RUN_MISMATCH');
    });

    it('refuses another action as ARTIFACT_ACTION_MISMATCH', async () => {
      expect(await refusal(genuine, { facts: factsFor(TARGET, { activityType: 'applyInfraChange' }) })).toBe('ARTIFACT_ACTION_MISMATCH');
    });

    it('refuses another activity id as ARTIFACT_ACTIVITY_MISMATCH', async () => {
      expect(await refusal(genuine, { facts: factsFor(TARGET, { activityId: 'writ-step-2.1' }) })).toBe('ARTIFACT_ACTIVITY_MISMATCH');
    });
  });

  describe('when the arguments differ from the ones authorized', () => {
    const authorized = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 777 };
    it.each<[string, unknown[]]>([
      ['a changed value', [{ ...authorized, amountCents: 77_700 }]],
      ['an extra key', [{ ...authorized, memo: 'x' }]],
      ['a missing key', [{ fromAccount: 'acct-alice', toAccount: 'acct-bob' }]],
      ['an extra argument', [authorized, { dryRun: false }]],
      ['no arguments', []],
      ['a string where a number was', [{ ...authorized, amountCents: '777' }]],
    ])('refuses %s as ARTIFACT_ARGS_MISMATCH', async (_kind, args) => {
      expect(await refusal(genuine, { facts: factsFor(TARGET, { args }) })).toBe('ARTIFACT_ARGS_MISMATCH');
    });

    it.each<[string, unknown[]]>([
      ['keys in another order', [{ amountCents: 777, toAccount: 'acct-bob', fromAccount: 'acct-alice' }]],
      ['numbers spelled differently on the wire', [JSON.parse('{"toAccount":"acct-bob","amountCents":7.77E2,"fromAccount":"acct-alice"}')]],
    ])('accepts the same data with %s', async (_kind, args) => {
      expect(await refusal(genuine, { facts: factsFor(TARGET, { args }) })).toBe('NO_ERROR');
    });
  });

  describe('when the attempt exceeds the attempts authorized', () => {
    let threeAttempts: string;
    beforeAll(async () => {
      const content = validContent(TARGET);
      threeAttempts = await forge({ ...content, runtime: { ...content.runtime, maxAttempts: 3 } }, signer, NOW);
    });

    it('accepts the last authorized attempt', async () => {
      expect(await refusal(threeAttempts, { facts: factsFor(TARGET, { attempt: 3 }) })).toBe('NO_ERROR');
    });

    it('refuses the next one as ARTIFACT_ATTEMPTS_EXCEEDED', async () => {
      expect(await refusal(threeAttempts, { facts: factsFor(TARGET, { attempt: 4 }) })).toBe('ARTIFACT_ATTEMPTS_EXCEEDED');
      expect(await refusal(genuine, { facts: factsFor(TARGET, { attempt: 2 }) })).toBe('ARTIFACT_ATTEMPTS_EXCEEDED');
    });
  });

  describe('when the policy set in force has changed since the decision', () => {
    it('refuses the artifact as POLICY_STALE', async () => {
      expect(await refusal(genuine, { context: { activePolicyDigest: sha256Digest('a newer policy set') } })).toBe('POLICY_STALE');
    });

    it('does not judge freshness when no active digest is given (an auditor reading history)', async () => {
      const { activePolicyDigest: _omitted, ...auditorContext } = contextAt(keys.trusted, NOW);
      const stale = await forge(validContent({ ...TARGET, policyDigest: sha256Digest('a retired policy set') }), signer, NOW);
      await expect(verifyArtifact(stale, factsFor(TARGET), auditorContext)).resolves.toMatchObject({ jti: payloadOf(stale)['jti'] });
      expect(await refusal(stale)).toBe('POLICY_STALE');
    });
  });
});

describe('mintArtifact', () => {
  describe('when the content violates the claims schema', () => {
    it('refuses a malformed digest with a zod error before it tries to sign', async () => {
      const content = validContent(TARGET);
      const spoiled: ArtifactContent = { ...content, policy: { ...content.policy, digest: 'sha256:not-hex' } };
      // The schema error must win: nothing reaches the signer.
      const signed: Uint8Array[] = [];
      const watched: Signer = { kid: signer.kid, sign: (input) => (signed.push(input), signer.sign(input)) };
      const error = await rejectionOf(() => mintArtifact(spoiled, watched, NOW, 60));
      expect(error).toBeInstanceOf(ZodError);
      expect((error as ZodError).issues.map((issue) => issue.path.join('.'))).toEqual(['writ.policy.digest']);
      expect(signed).toHaveLength(0);
    });
  });

  describe('when the signer key is not a private Ed25519 key', () => {
    it.each<[string, () => KeyObject]>([
      ['the public half of the signing key', () => createPublicKey(signingKey)],
      ['an RSA private key', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
      ['a P-256 private key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    ])('refuses a local signer over %s with SIGNER_UNAVAILABLE', async (_kind, key) => {
      expect(await rejectionCode(async () => mintArtifact(validContent(TARGET), localSigner(signer.kid, key()), NOW, 60))).toBe('SIGNER_UNAVAILABLE');
    });
  });

  describe('when the signer is asynchronous (a key in a token)', () => {
    it('mints an artifact the enforcement point verifies', async () => {
      const tokenLike: Signer = { kid: signer.kid, sign: async (input) => signer.sign(input) };
      const minted = await mintArtifact(validContent(TARGET), tokenLike, NOW, 60);
      expect(await refusal(minted.token)).toBe('NO_ERROR');
    });
  });
});
