import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditError, IdentityTrust, type IdentityEvidence } from '../../../../core/audit';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../../../../core/identity/devIdentityProvider';
import { ApprovalStatementSchema, APPROVAL_AUDIENCE, RevocationStatementSchema, REVOCATION_AUDIENCE } from '../../../../core/operators/statements';
import { WritError } from '../../../../core/errors/writError';

// The identity provider as the auditor trusts it: statements and identity tokens verified at
// the moment the history says they were used, with the keys in the evidence only.

const T = new Date('2026-03-01T10:00:00Z');
const later = (seconds: number) => new Date(T.getTime() + seconds * 1000);
const DIGEST = `sha256:${'a'.repeat(64)}`;
const APPROVAL = { kind: 'approval', decision: 'approve', requestDigest: DIGEST, workflowId: 'wf', runId: 'run', stepId: 'writ-step-1', action: 'transferFunds', argsDigest: DIGEST, policyVersion: '1' };

let dir: string;
let idp: DevIdentityProvider;
let trust: IdentityTrust;
let evidence: IdentityEvidence;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-identity-trust-'));
  idp = DevIdentityProvider.open(join(dir, 'idp'), { clock: () => T });
  await idp.ensureKey();
  evidence = { issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwks: { keys: idp.publicJwks().keys.map((k) => ({ ...k })) } };
  trust = IdentityTrust.fromEvidence(evidence);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function codeOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return 'NO_ERROR';
  } catch (error) {
    if (error instanceof WritError || error instanceof AuditError) return error.code;
    throw error;
  }
}

const approval = (statement: Record<string, unknown> = APPROVAL, provider = idp) => provider.mintStatement({ principal: 'bob', groups: ['treasury-approvers'], audience: APPROVAL_AUDIENCE, statement, ttlSeconds: 600 });

describe('verifyStatement', () => {
  it('verifies a statement at the moment it was delivered, long after it expired', async () => {
    const token = await approval();
    const verified = await trust.verifyStatement(token, APPROVAL_AUDIENCE, ApprovalStatementSchema, later(60));
    expect(verified).toMatchObject({ signer: 'bob', groups: ['treasury-approvers'], statement: { decision: 'approve', requestDigest: DIGEST } });
    expect(verified.statementDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  describe('when it was delivered after it expired', () => {
    it('refuses it (IDENTITY_EXPIRED), beyond the 30 s tolerance', async () => {
      expect(await codeOf(async () => trust.verifyStatement(await approval(), APPROVAL_AUDIENCE, ApprovalStatementSchema, later(600 + 31)))).toBe('IDENTITY_EXPIRED');
    });
  });

  describe('when it says it was issued after it was delivered', () => {
    it('refuses it (IDENTITY_INVALID): it was put into the history later', async () => {
      expect(await codeOf(async () => trust.verifyStatement(await approval(), APPROVAL_AUDIENCE, ApprovalStatementSchema, later(-31)))).toBe('IDENTITY_INVALID');
    });
  });

  describe('when it is for another audience', () => {
    it('refuses an approval presented as a revocation (IDENTITY_INVALID)', async () => {
      expect(await codeOf(async () => trust.verifyStatement(await approval(), REVOCATION_AUDIENCE, RevocationStatementSchema, later(1)))).toBe('IDENTITY_INVALID');
    });
  });

  describe('when another issuer signed it with the same key', () => {
    it('refuses it (IDENTITY_UNTRUSTED_ISSUER)', async () => {
      const elsewhere = DevIdentityProvider.open(join(dir, 'idp'), { clock: () => T, issuer: 'elsewhere' });
      expect(await codeOf(async () => trust.verifyStatement(await approval(APPROVAL, elsewhere), APPROVAL_AUDIENCE, ApprovalStatementSchema, later(1)))).toBe('IDENTITY_UNTRUSTED_ISSUER');
    });
  });

  describe('when a key the evidence does not hold signed it', () => {
    it('refuses it (IDENTITY_INVALID)', async () => {
      const impostor = DevIdentityProvider.open(join(dir, 'impostor'), { clock: () => T });
      expect(await codeOf(async () => trust.verifyStatement(await approval(APPROVAL, impostor), APPROVAL_AUDIENCE, ApprovalStatementSchema, later(1)))).toBe('IDENTITY_INVALID');
    });
  });

  describe('when its content is not a statement of that kind', () => {
    it('refuses it (STATEMENT_INVALID)', async () => {
      expect(await codeOf(async () => trust.verifyStatement(await approval({ ...APPROVAL, decision: 'maybe' }), APPROVAL_AUDIENCE, ApprovalStatementSchema, later(1)))).toBe('STATEMENT_INVALID');
    });
  });

  describe('when there is no token', () => {
    it('refuses it (IDENTITY_MISSING)', async () => {
      expect(await codeOf(() => trust.verifyStatement(undefined, APPROVAL_AUDIENCE, ApprovalStatementSchema, later(1)))).toBe('IDENTITY_MISSING');
    });
  });
});

describe('verifyIdentityToken', () => {
  it("verifies a run's identity token at the run's start, for the identity audience", async () => {
    const token = await idp.mintToken({ principal: 'alice', groups: ['treasury'] });
    expect(await trust.verifyIdentityToken(token, later(5))).toMatchObject({ principal: 'alice', groups: ['treasury'] });
  });

  it('refuses an operator statement presented as an identity token (IDENTITY_INVALID)', async () => {
    expect(await codeOf(async () => trust.verifyIdentityToken(await approval(), later(5)))).toBe('IDENTITY_INVALID');
  });

  it('cannot verify without the identity audience in the evidence (IDENTITY_INVALID)', async () => {
    const { audience: _audience, ...withoutAudience } = evidence;
    const token = await idp.mintToken({ principal: 'alice' });
    expect(await codeOf(() => IdentityTrust.fromEvidence(withoutAudience).verifyIdentityToken(token, later(5)))).toBe('IDENTITY_INVALID');
  });
});

describe('fromEvidence', () => {
  it('refuses private key material, a symmetric algorithm and unknown members (EVIDENCE_INVALID)', async () => {
    const key = evidence.jwks.keys[0]!;
    expect(await codeOf(async () => IdentityTrust.fromEvidence({ ...evidence, jwks: { keys: [{ ...key, d: 'AAAA' }] } }))).toBe('EVIDENCE_INVALID');
    expect(await codeOf(async () => IdentityTrust.fromEvidence({ ...evidence, algorithms: ['HS256'] }))).toBe('EVIDENCE_INVALID');
    expect(await codeOf(async () => IdentityTrust.fromEvidence({ ...evidence, trustEverything: true }))).toBe('EVIDENCE_INVALID');
    expect(await codeOf(async () => IdentityTrust.fromEvidence({ ...evidence, jwks: { keys: [] } }))).toBe('EVIDENCE_INVALID');
  });
});
