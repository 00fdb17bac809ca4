import { createHash, randomUUID, sign, type KeyObject } from 'node:crypto';
import { CompactSign, decodeProtectedHeader } from 'jose';
import { exportProofKey, generateProofKey, type ProofKey } from '../../../core/identity/proofKey';
import {
  MAX_START_PROOF_LENGTH,
  START_PROOF_TYPE,
  createStartProof,
  identityTokenHash,
  verifyStartProof,
  type StartProofExpectation,
} from '../../../core/identity/startProof';
import { awaitedCodeOf } from '../../support/codeOf';

const NOW = new Date('2030-01-02T03:04:05.000Z');
const NOW_S = NOW.getTime() / 1000;
const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const START = { workflowId: 'transfer-1', workflowType: 'treasuryTransfer', identityToken: TOKEN };

let key: ProofKey;
let otherKey: ProofKey;
beforeAll(async () => {
  key = await generateProofKey();
  otherKey = await generateProofKey();
});

function expectation(overrides: Partial<StartProofExpectation> = {}): StartProofExpectation {
  return { ...START, confirmedThumbprint: key.thumbprint, now: NOW, clockToleranceSeconds: 30, notAfter: new Date(NOW.getTime() + 3_600_000), ...overrides };
}

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { wid: START.workflowId, wty: START.workflowType, ath: identityTokenHash(TOKEN), iat: NOW_S, jti: randomUUID(), ...overrides };
}

/** A proof signed by `signer` with exactly the given header and claims (signed directly: jose would refuse some headers). */
async function forge(header: Record<string, unknown>, payload: unknown, signer: ProofKey = key): Promise<string> {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput, 'ascii'), signer.privateKey as KeyObject).toString('base64url')}`;
}

const honestHeader = (signer: ProofKey = key): Record<string, unknown> => ({ typ: START_PROOF_TYPE, alg: 'EdDSA', jwk: signer.publicJwk });

describe('createStartProof', () => {
  it('signs a compact JWS with the pinned header, the public jwk and the documented claims', async () => {
    const proof = await createStartProof(key, START, NOW);
    expect(decodeProtectedHeader(proof)).toEqual({ typ: START_PROOF_TYPE, alg: 'EdDSA', jwk: key.publicJwk });
    const payload = JSON.parse(Buffer.from(proof.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(payload).toEqual({
      wid: START.workflowId,
      wty: START.workflowType,
      ath: createHash('sha256').update(TOKEN).digest('base64url'),
      iat: NOW_S,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(proof).not.toContain(exportProofKey(key).d);
  });

  it('makes a fresh jti for every proof', async () => {
    const first = await verifyStartProof(await createStartProof(key, START, NOW), expectation());
    const second = await verifyStartProof(await createStartProof(key, START, NOW), expectation());
    expect(first.jti).not.toBe(second.jti);
  });
});

describe('verifyStartProof', () => {
  describe('when the proof is genuine', () => {
    it('returns its jti, iat and the thumbprint of the key that signed it', async () => {
      const proof = await createStartProof(key, START, NOW);
      const verified = await verifyStartProof(proof, expectation());
      expect(verified).toEqual({ jti: expect.any(String), iat: NOW_S, thumbprint: key.thumbprint });
    });

    it('accepts an iat within the clock tolerance ahead', async () => {
      const proof = await createStartProof(key, START, new Date(NOW.getTime() + 30_000));
      await expect(verifyStartProof(proof, expectation())).resolves.toMatchObject({ iat: NOW_S + 30 });
    });
  });

  describe('when no proof is sent', () => {
    it.each([undefined, ''])('refuses %p (START_PROOF_MISSING)', async (proof) => {
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_MISSING');
    });
  });

  describe('when the proof was made for another start', () => {
    it('refuses another workflow id (START_PROOF_BINDING_MISMATCH)', async () => {
      const proof = await createStartProof(key, { ...START, workflowId: 'transfer-2' }, NOW);
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_BINDING_MISMATCH');
    });

    it('refuses another workflow type (START_PROOF_BINDING_MISMATCH)', async () => {
      const proof = await createStartProof(key, { ...START, workflowType: 'deploy' }, NOW);
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_BINDING_MISMATCH');
    });

    it('refuses another identity token (START_PROOF_BINDING_MISMATCH)', async () => {
      const proof = await createStartProof(key, { ...START, identityToken: `${TOKEN}x` }, NOW);
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_BINDING_MISMATCH');
    });
  });

  describe('when the proof is signed by another key', () => {
    it('refuses a genuine proof by a key the token is not bound to (START_PROOF_KEY_MISMATCH)', async () => {
      const proof = await createStartProof(otherKey, START, NOW);
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_KEY_MISMATCH');
    });

    it('refuses a proof that embeds the bound key but is signed by another (START_PROOF_INVALID)', async () => {
      const proof = await forge(honestHeader(key), claims(), otherKey);
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_INVALID');
    });

    it('refuses a tampered payload (START_PROOF_INVALID)', async () => {
      const [header, , signature] = (await createStartProof(key, START, NOW)).split('.');
      const tampered = `${header}.${b64(claims({ wid: 'transfer-2' }))}.${signature}`;
      expect(await awaitedCodeOf(() => verifyStartProof(tampered, expectation({ workflowId: 'transfer-2' })))).toBe('START_PROOF_INVALID');
    });
  });

  describe('when the header is not the pinned one', () => {
    it('refuses another typ (START_PROOF_INVALID)', async () => {
      const proof = await forge({ ...honestHeader(), typ: 'JWT' }, claims());
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_INVALID');
    });

    it('refuses typ and alg swapped (START_PROOF_INVALID)', async () => {
      const body = b64(claims());
      const swapped = `${b64({ typ: 'EdDSA', alg: START_PROOF_TYPE, jwk: key.publicJwk })}.${body}.${'A'.repeat(86)}`;
      expect(await awaitedCodeOf(() => verifyStartProof(swapped, expectation()))).toBe('START_PROOF_INVALID');
    });

    it('refuses alg none (START_PROOF_INVALID)', async () => {
      const unsigned = `${b64({ typ: START_PROOF_TYPE, alg: 'none', jwk: key.publicJwk })}.${b64(claims())}.`;
      expect(await awaitedCodeOf(() => verifyStartProof(unsigned, expectation()))).toBe('START_PROOF_INVALID');
    });

    it('refuses an HS256 proof keyed with the public x (START_PROOF_INVALID)', async () => {
      const secret = Buffer.from(key.publicJwk.x, 'base64url');
      const proof = await new CompactSign(Buffer.from(JSON.stringify(claims()))).setProtectedHeader({ typ: START_PROOF_TYPE, alg: 'HS256', jwk: key.publicJwk } as never).sign(secret);
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_INVALID');
    });

    it('refuses extra header members such as kid or crit (START_PROOF_INVALID)', async () => {
      expect(await awaitedCodeOf(async () => verifyStartProof(await forge({ ...honestHeader(), kid: key.thumbprint }, claims()), expectation()))).toBe('START_PROOF_INVALID');
      expect(await awaitedCodeOf(async () => verifyStartProof(await forge({ ...honestHeader(), crit: ['exp'], exp: 1 }, claims()), expectation()))).toBe('START_PROOF_INVALID');
    });

    it('refuses a header naming alg twice (START_PROOF_INVALID)', async () => {
      const genuine = (await createStartProof(key, START, NOW)).split('.');
      const doubled = `${b64(`{"typ":"${START_PROOF_TYPE}","alg":"EdDSA","alg":"EdDSA","jwk":${JSON.stringify(key.publicJwk)}}`)}.${genuine[1]}.${genuine[2]}`;
      expect(await awaitedCodeOf(() => verifyStartProof(doubled, expectation()))).toBe('START_PROOF_INVALID');
    });
  });

  describe('when the embedded jwk is not a bare public Ed25519 key', () => {
    it('refuses a jwk that carries d (START_PROOF_INVALID)', async () => {
      const proof = await forge({ ...honestHeader(), jwk: { ...key.publicJwk, d: exportProofKey(key).d } }, claims());
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_INVALID');
    });

    it('refuses extra jwk members, another curve or no jwk (START_PROOF_INVALID)', async () => {
      for (const jwk of [{ ...key.publicJwk, kid: 'k' }, { ...key.publicJwk, crv: 'Ed448' }, undefined]) {
        const header = jwk === undefined ? { typ: START_PROOF_TYPE, alg: 'EdDSA' } : { ...honestHeader(), jwk };
        expect(await awaitedCodeOf(async () => verifyStartProof(await forge(header, claims()), expectation()))).toBe('START_PROOF_INVALID');
      }
    });
  });

  describe('when the claims are not the documented ones', () => {
    it.each([
      ['a missing jti', { jti: undefined }],
      ['a numeric wid', { wid: 7 }],
      ['an empty wty', { wty: '' }],
      ['a fractional iat', { iat: NOW_S + 0.5 }],
      ['an ath that is not a SHA-256', { ath: 'abc' }],
      ['an unknown claim', { exp: NOW_S + 60 }],
    ])('refuses %s (START_PROOF_INVALID)', async (_name, overrides) => {
      const proof = await forge(honestHeader(), claims(overrides));
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_INVALID');
    });

    it('refuses a payload that is not JSON (START_PROOF_INVALID)', async () => {
      expect(await awaitedCodeOf(async () => verifyStartProof(await forge(honestHeader(), 'not json'), expectation()))).toBe('START_PROOF_INVALID');
    });
  });

  describe('when the time is wrong', () => {
    it('refuses an iat far in the future (START_PROOF_INVALID)', async () => {
      const proof = await createStartProof(key, START, new Date(NOW.getTime() + 31_000));
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_INVALID');
    });

    it("refuses a proof made after its token's expiry (START_PROOF_INVALID)", async () => {
      const proof = await createStartProof(key, START, NOW);
      const notAfter = new Date(NOW.getTime() - 31_000);
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation({ notAfter, now: new Date(NOW.getTime() - 10_000) })))).toBe('START_PROOF_INVALID');
      await expect(verifyStartProof(proof, expectation({ notAfter: new Date(NOW.getTime() - 30_000) }))).resolves.toMatchObject({ iat: NOW_S });
    });
  });

  describe('when the expectation itself is unusable', () => {
    it.each<[string, Partial<StartProofExpectation>]>([
      ['an invalid now', { now: new Date(Number.NaN) }],
      ['an invalid notAfter', { notAfter: new Date(Number.NaN) }],
      ['a tolerance that is not a number', { clockToleranceSeconds: Number.NaN }],
      ['a negative tolerance', { clockToleranceSeconds: -1 }],
    ])('refuses %s before looking at the proof (CONFIG_INVALID)', async (_name, overrides) => {
      const proof = await createStartProof(key, START, NOW);
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation(overrides)))).toBe('CONFIG_INVALID');
    });
  });

  describe('when the proof is too long or not a JWS', () => {
    it(`refuses a proof over ${MAX_START_PROOF_LENGTH} characters before decoding it (START_PROOF_INVALID)`, async () => {
      const long = await createStartProof(key, { ...START, workflowId: 'w'.repeat(MAX_START_PROOF_LENGTH) }, NOW);
      expect(await awaitedCodeOf(() => verifyStartProof(long, expectation({ workflowId: 'w'.repeat(MAX_START_PROOF_LENGTH) })))).toBe('START_PROOF_INVALID');
    });

    it('accepts workflow ids and types of 1,000 characters each (Temporal\'s default limit)', async () => {
      const start = { ...START, workflowId: 'w'.repeat(1000), workflowType: 't'.repeat(1000) };
      await expect(verifyStartProof(await createStartProof(key, start, NOW), expectation(start))).resolves.toMatchObject({ thumbprint: key.thumbprint });
    });

    it.each(['a.b', 'a.b.c.d', 'not a jws'])('refuses %p (START_PROOF_INVALID)', async (proof) => {
      expect(await awaitedCodeOf(() => verifyStartProof(proof, expectation()))).toBe('START_PROOF_INVALID');
    });
  });
});
