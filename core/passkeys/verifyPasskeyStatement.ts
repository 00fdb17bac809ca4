import type { z } from 'zod';
import { sha256Digest } from '../canonical/digest';
import { WritError, type WritErrorCode } from '../errors/writError';
import type { PasskeyAssertionUse, PasskeyBinding } from '../governance/passkeyRegistry';
import type { VerifiedOperatorStatement } from '../operators/verifyStatement';
import { statementChallenge } from './passkeyChallenges';
import { decodePasskeyStatement, passkeyStatementId } from './passkeyStatement';
import { DEFAULT_PASSKEY_TRUST, type PasskeyTrust } from './passkeyTrust';
import { verifyPasskeyAssertion } from './verifyPasskeyAssertion';

/** What verifying passkey statements needs: the bound passkeys and their counters, where assertions may come from, the clock. */
export interface PasskeyStatementDeps {
  readonly passkeys: { passkey(credentialId: string): Promise<PasskeyBinding | undefined>; recordPasskeyAssertion(use: PasskeyAssertionUse): Promise<void> };
  readonly trust?: PasskeyTrust | undefined;
  readonly clock: () => Date;
}

/**
 * Verifies an operator's statement made with their passkey, step by step: it decodes
 * strictly and is for `audience` (`invalidCode`); its content passes `schema`
 * (`invalidCode`); its passkey is bound to an operator (PASSKEY_UNKNOWN); the assertion
 * signs exactly this audience and content, from a trusted console origin and RP id, with
 * user presence and verification (PASSKEY_ASSERTION_INVALID); its signature counter rises
 * (PASSKEY_COUNTER_REGRESSED, recorded fleet-wide). The signer is the binding's principal,
 * with the groups its sign-in carried; the statement's id is its assertion's, so the same
 * assertion presented twice is one statement.
 */
export async function verifyPasskeyStatement<S extends z.ZodType>(
  token: string,
  audience: string,
  schema: S,
  deps: PasskeyStatementDeps,
  invalidCode: WritErrorCode,
): Promise<VerifiedOperatorStatement<z.infer<S>>> {
  const decoded = decodePasskeyStatement(token, invalidCode);
  if (decoded.audience !== audience) throw new WritError(invalidCode, `the passkey statement is for ${decoded.audience}, not ${audience}`);
  const parsed = schema.safeParse(decoded.statement);
  if (!parsed.success) {
    throw new WritError(invalidCode, 'operator statement content is invalid', { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) });
  }
  const binding = await deps.passkeys.passkey(decoded.assertion.id);
  if (binding === undefined) throw new WritError('PASSKEY_UNKNOWN', `passkey ${decoded.assertion.id} is bound to no operator: register it in the console first`);
  const { counter } = await verifyPasskeyAssertion(decoded.assertion, statementChallenge(audience, decoded.statement), binding, deps.trust ?? DEFAULT_PASSKEY_TRUST);
  const statementDigest = sha256Digest(token);
  await deps.passkeys.recordPasskeyAssertion({ credentialId: binding.credentialId, statementDigest, counter });
  return {
    signer: binding.principal,
    groups: binding.groups,
    statement: parsed.data,
    statementId: passkeyStatementId(decoded),
    statementDigest,
    // An assertion carries no time; it is first used now, and its content binds its target.
    issuedAt: Math.floor(deps.clock().getTime() / 1000),
  };
}
