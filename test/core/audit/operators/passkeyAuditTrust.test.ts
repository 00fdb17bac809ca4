import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { PasskeyAuditTrust } from '../../../../core/audit/operators/passkeyAuditTrust';
import type { PasskeyBinding } from '../../../../core/governance/passkeyRegistry';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../../../../core/identity/devIdentityProvider';
import { loadIdentityEvidence } from '../../../../core/audit/evidence/identityEvidence';
import { statementChallenge } from '../../../../core/passkeys/passkeyChallenges';
import { encodePasskeyStatement, PasskeyStatementSchema } from '../../../../core/passkeys/passkeyStatement';
import { DEFAULT_PASSKEY_TRUST } from '../../../../core/passkeys/passkeyTrust';
import { bindSoftwarePasskey, type PasskeyOperator } from '../../../support/passkeyOperators';
import { awaitedCodeOf } from '../../../support/codeOf';

// The auditor's passkey checks one by one, on statements a software authenticator makes.

const AUDIENCE = 'writ-revocation';
const Content = z.strictObject({ kind: z.literal('revocation'), workflowId: z.string(), runId: z.string(), reason: z.string() });
const content = { kind: 'revocation', workflowId: 'wf', runId: 'run', reason: 'test' };

let idp: DevIdentityProvider;
let operator: PasskeyOperator;
const bindings: PasskeyBinding[] = [];

beforeAll(async () => {
  idp = DevIdentityProvider.open(join(mkdtempSync(join(tmpdir(), 'writ-passkey-audit-')), 'idp'));
  await idp.ensureKey();
  operator = await bindSoftwarePasskey({ registerPasskey: async (b) => (bindings.push(b), b) }, idp, 'olivia', ['operators']);
});

async function trust(): Promise<PasskeyAuditTrust> {
  const identity = await loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: idp.jwksPath });
  return PasskeyAuditTrust.fromEvidence({ trust: DEFAULT_PASSKEY_TRUST, signIn: identity, bindings: bindings.map((b) => ({ ...b, groups: [...b.groups] })) });
}

function statement(made: PasskeyOperator, signed: Record<string, unknown> = content, presented: Record<string, unknown> = signed, counter?: number): string {
  const assertion = made.authenticator.assert(statementChallenge(AUDIENCE, signed), counter === undefined ? {} : { counter });
  return encodePasskeyStatement(PasskeyStatementSchema.parse({ v: 1, kind: 'passkey-statement', audience: AUDIENCE, statement: presented, assertion }) as Parameters<typeof encodePasskeyStatement>[0]);
}

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe('PasskeyAuditTrust.verifyStatement', () => {
  it("names the binding's principal and groups as the signer, and the statement's id as the workers do", async () => {
    const verified = await (await trust()).verifyStatement(statement(operator), AUDIENCE, Content, later(1));
    expect(verified).toMatchObject({ signer: 'olivia', groups: ['operators'], statement: content, statementId: expect.stringMatching(/^passkey:/) });
  });

  it('refuses content other than what the passkey signed (PASSKEY_ASSERTION_INVALID)', async () => {
    const forged = statement(operator, content, { ...content, runId: 'another-run' });
    expect(await awaitedCodeOf(async () => (await trust()).verifyStatement(forged, AUDIENCE, Content, later(1)))).toBe('PASSKEY_ASSERTION_INVALID');
  });

  it('refuses a counter that does not rise in time order (PASSKEY_COUNTER_REGRESSED)', async () => {
    const audit = await trust();
    await audit.verifyStatement(statement(operator, content, content, 50), AUDIENCE, Content, later(1));
    const replayed = statement(operator, { ...content, reason: 'again' }, { ...content, reason: 'again' }, 40);
    expect(await awaitedCodeOf(() => audit.verifyStatement(replayed, AUDIENCE, Content, later(2)))).toBe('PASSKEY_COUNTER_REGRESSED');
  });

  it('refuses a statement presented before its passkey was bound (PASSKEY_REGISTRATION_INVALID)', async () => {
    expect(await awaitedCodeOf(async () => (await trust()).verifyStatement(statement(operator), AUDIENCE, Content, new Date(Date.now() - 3_600_000)))).toBe('PASSKEY_REGISTRATION_INVALID');
  });

  it('refuses a passkey the evidence binds to no one (PASSKEY_UNKNOWN)', async () => {
    const stranger = await bindSoftwarePasskey({ registerPasskey: async (b) => b }, idp, 'mallory', ['operators']);
    expect(await awaitedCodeOf(async () => (await trust()).verifyStatement(statement(stranger), AUDIENCE, Content, later(1)))).toBe('PASSKEY_UNKNOWN');
  });

  it('refuses a statement for another audience (STATEMENT_INVALID)', async () => {
    expect(await awaitedCodeOf(async () => (await trust()).verifyStatement(statement(operator), 'writ-approval', Content, later(1)))).toBe('STATEMENT_INVALID');
  });
});
