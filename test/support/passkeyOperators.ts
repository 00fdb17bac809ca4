import { sha256Digest } from '../../core/canonical/digest';
import type { PasskeyBinding } from '../../core/governance/passkeyRegistry';
import type { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { APPROVAL_AUDIENCE } from '../../core/operators/statements';
import { bindingChallenge, bindingDigest, statementChallenge, type PasskeyBindingDocument } from '../../core/passkeys/passkeyChallenges';
import { encodePasskeyStatement, PasskeyStatementSchema } from '../../core/passkeys/passkeyStatement';
import type { PendingApproval } from '../../core/protocol/operatorContract';
import { SoftwareAuthenticator } from './softwareAuthenticator';

/** An operator with a passkey bound as the console binds one: the authenticator, and the binding with its evidence. */
export interface PasskeyOperator {
  readonly authenticator: SoftwareAuthenticator;
  readonly binding: PasskeyBinding;
}

/**
 * Binds a new software passkey to `principal` as the console's registration does: a sign-in
 * ID token from `idp`, the binding document naming it, the passkey's assertion over the
 * document, all recorded as the binding's evidence in `store`.
 */
export async function bindSoftwarePasskey(store: { registerPasskey(binding: PasskeyBinding): Promise<PasskeyBinding> }, idp: DevIdentityProvider, principal: string, groups: string[]): Promise<PasskeyOperator> {
  const authenticator = new SoftwareAuthenticator('localhost');
  const idToken = await idp.mintToken({ principal, groups });
  const document: PasskeyBindingDocument = { kind: 'writ-passkey-binding', principal, groups, credentialId: authenticator.credentialId, publicKey: authenticator.publicKey, rpId: 'localhost', idTokenDigest: sha256Digest(idToken) };
  const assertion = authenticator.assert(bindingChallenge(document));
  const { kind: _kind, idTokenDigest: _digest, ...fields } = document;
  const binding = await store.registerPasskey({ ...fields, registeredAt: new Date().toISOString(), bindingDigest: bindingDigest(document), evidence: JSON.stringify({ document, idToken, assertion }) });
  return { authenticator, binding };
}

/** An approval (or denial) of `pending` made with the operator's passkey, as the console sends it. */
export function passkeyApproval(operator: PasskeyOperator, pending: PendingApproval, decision: 'approve' | 'deny' = 'approve'): string {
  const { requestDigest, workflowId, runId, stepId, action, argsDigest, policyVersion } = pending;
  const statement = { kind: 'approval', decision, requestDigest, workflowId, runId, stepId, action, argsDigest, policyVersion };
  const assertion = operator.authenticator.assert(statementChallenge(APPROVAL_AUDIENCE, statement));
  return encodePasskeyStatement(PasskeyStatementSchema.parse({ v: 1, kind: 'passkey-statement', audience: APPROVAL_AUDIENCE, statement, assertion }) as Parameters<typeof encodePasskeyStatement>[0]);
}
