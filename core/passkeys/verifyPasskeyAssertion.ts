import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { WritError } from '../errors/writError';
import type { PasskeyBinding } from '../governance/passkeyRegistry';
import { isTrustedOrigin, type PasskeyTrust } from './passkeyTrust';

/** What a verified assertion tells: the authenticator's signature counter, and where it was made. */
export interface VerifiedPasskeyAssertion {
  readonly counter: number;
  readonly origin: string;
}

/**
 * Verifies a WebAuthn assertion made with a bound passkey (`@simplewebauthn/server`), each
 * failure PASSKEY_ASSERTION_INVALID: the credential is the binding's; the client data is a
 * `webauthn.get` for exactly `expectedChallenge` from a trusted origin; the authenticator
 * data is for the trusted RP id with user presence and user verification; the signature
 * verifies with the binding's public key. The counter is returned for the governance store
 * to check against the passkey's last (an assertion is only as fresh as that check).
 */
export async function verifyPasskeyAssertion(assertion: AuthenticationResponseJSON, expectedChallenge: string, binding: PasskeyBinding, trust: PasskeyTrust): Promise<VerifiedPasskeyAssertion> {
  if (assertion.id !== binding.credentialId || assertion.rawId !== binding.credentialId) {
    throw new WritError('PASSKEY_ASSERTION_INVALID', `the assertion was made with another passkey than ${binding.credentialId}`);
  }
  if (binding.rpId !== trust.rpId) throw new WritError('PASSKEY_ASSERTION_INVALID', `passkey ${binding.credentialId} is scoped to ${binding.rpId}, not the trusted ${trust.rpId}`);
  const origin = clientOrigin(assertion);
  if (!isTrustedOrigin(trust, origin)) throw new WritError('PASSKEY_ASSERTION_INVALID', `the assertion was made at ${origin}, not a trusted console origin`, { facts: { origin } });
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: trust.rpId,
      expectedType: 'webauthn.get',
      requireUserVerification: true,
      // The counter is the governance store's to judge, across the fleet (recordPasskeyAssertion).
      credential: { id: binding.credentialId, publicKey: Buffer.from(binding.publicKey, 'base64url'), counter: 0 },
    });
  } catch (error) {
    throw new WritError('PASSKEY_ASSERTION_INVALID', `the passkey assertion does not verify: ${(error as Error).message}`, { cause: error });
  }
  if (!verified.verified || !verified.authenticationInfo.userVerified) throw new WritError('PASSKEY_ASSERTION_INVALID', 'the passkey assertion does not verify with user verification');
  return { counter: verified.authenticationInfo.newCounter, origin };
}

/** The origin in an assertion's client data (PASSKEY_ASSERTION_INVALID when unreadable). */
function clientOrigin(assertion: AuthenticationResponseJSON): string {
  try {
    const clientData = JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString('utf8')) as { origin?: unknown };
    if (typeof clientData.origin === 'string') return clientData.origin;
  } catch {
    // reported below
  }
  throw new WritError('PASSKEY_ASSERTION_INVALID', 'the assertion carries no readable client data origin');
}
