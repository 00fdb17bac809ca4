import { createHash } from 'node:crypto';
import { sha256Digest } from '../canonical/digest';
import { WritError } from '../errors/writError';
import type { PasskeyBinding } from '../governance/passkeyRegistry';
import type { ApprovalStatement } from '../operators/statements';
import type { VerifiedOperatorStatement } from '../operators/verifyStatement';
import { decisionChallenge } from './passkeyChallenges';
import { decodePasskeyStatement } from './passkeyStatement';
import { DEFAULT_PASSKEY_TRUST, type PasskeyTrust } from './passkeyTrust';
import { verifyPasskeyAssertion } from './verifyPasskeyAssertion';

/** What verifying passkey approvals needs: the bound passkeys and their counters, where assertions may come from, the clock. */
export interface PasskeyApprovalDeps {
  readonly passkeys: { passkey(credentialId: string): Promise<PasskeyBinding | undefined>; recordPasskeyAssertion(use: { credentialId: string; statementDigest: string; counter: number }): Promise<void> };
  readonly trust?: PasskeyTrust | undefined;
  readonly clock: () => Date;
}

/**
 * Verifies an approval or denial made with an operator's passkey, step by step: the
 * statement decodes strictly (APPROVAL_INVALID); its passkey is bound to an operator
 * (PASSKEY_UNKNOWN); the assertion signs exactly this decision on this request digest,
 * from a trusted console origin and RP id, with user presence and verification
 * (PASSKEY_ASSERTION_INVALID); its signature counter rises (PASSKEY_COUNTER_REGRESSED,
 * recorded fleet-wide). The approver is the binding's principal, with the groups its
 * sign-in carried; the statement's id is its assertion's, so the same assertion presented
 * twice is one statement.
 */
export async function verifyPasskeyApproval(token: string, deps: PasskeyApprovalDeps): Promise<VerifiedOperatorStatement<ApprovalStatement>> {
  const statement = decodePasskeyStatement(token);
  const binding = await deps.passkeys.passkey(statement.assertion.id);
  if (binding === undefined) throw new WritError('PASSKEY_UNKNOWN', `passkey ${statement.assertion.id} is bound to no operator: register it in the console first`);
  const challenge = decisionChallenge({ requestDigest: statement.requestDigest, decision: statement.decision, reason: statement.reason });
  const { counter } = await verifyPasskeyAssertion(statement.assertion, challenge, binding, deps.trust ?? DEFAULT_PASSKEY_TRUST);
  const statementDigest = sha256Digest(token);
  await deps.passkeys.recordPasskeyAssertion({ credentialId: binding.credentialId, statementDigest, counter });
  const { v: _v, kind: _kind, assertion, reason, ...bound } = statement;
  return {
    signer: binding.principal,
    groups: binding.groups,
    statement: { kind: 'approval', ...bound, ...(reason === null ? {} : { reason }) },
    statementId: `passkey:${createHash('sha256').update(Buffer.from(assertion.response.signature, 'base64url')).digest('base64url')}`,
    statementDigest,
    // An assertion carries no time: it is as fresh as the request it signs, which is
    // pending now; its first use is now.
    issuedAt: Math.floor(deps.clock().getTime() / 1000),
  };
}
