import type { PasskeyBinding } from '../../../core/governance/passkeyRegistry';
import { verifyPasskeyAssertion } from '../../../core/passkeys/verifyPasskeyAssertion';
import { DEFAULT_PASSKEY_TRUST } from '../../../core/passkeys/passkeyTrust';
import { awaitedCodeOf } from '../../support/codeOf';
import { SoftwareAuthenticator } from '../../support/softwareAuthenticator';

function bindingOf(authenticator: SoftwareAuthenticator): PasskeyBinding {
  return {
    credentialId: authenticator.credentialId,
    principal: 'alice',
    groups: ['operators'],
    publicKey: authenticator.publicKey,
    rpId: authenticator.rpId,
    registeredAt: '2026-12-01T00:00:00.000Z',
    bindingDigest: `sha256:${'0'.repeat(64)}`,
    evidence: '{}',
  };
}

const challenge = Buffer.from('a request digest', 'utf8').toString('base64url');

describe('the software authenticator', () => {
  it('makes assertions the workers verify, its counter rising', async () => {
    const authenticator = new SoftwareAuthenticator();
    const binding = bindingOf(authenticator);
    const first = await verifyPasskeyAssertion(authenticator.assert(challenge), challenge, binding, DEFAULT_PASSKEY_TRUST);
    const second = await verifyPasskeyAssertion(authenticator.assert(challenge), challenge, binding, DEFAULT_PASSKEY_TRUST);
    expect(first).toEqual({ counter: 1, origin: 'http://localhost:8443' });
    expect(second.counter).toBe(2);
  });

  it('reports counter 0 forever when it does not count', async () => {
    const authenticator = new SoftwareAuthenticator('localhost', 0, false);
    const verified = await verifyPasskeyAssertion(authenticator.assert(challenge), challenge, bindingOf(authenticator), DEFAULT_PASSKEY_TRUST);
    expect(verified.counter).toBe(0);
  });

  describe('when the assertion lies', () => {
    const authenticator = new SoftwareAuthenticator();
    const binding = bindingOf(authenticator);
    const refused = (assertion: ReturnType<SoftwareAuthenticator['assert']>, expected = challenge) =>
      awaitedCodeOf(() => verifyPasskeyAssertion(assertion, expected, binding, DEFAULT_PASSKEY_TRUST));

    it('is refused for another challenge', async () => {
      expect(await refused(authenticator.assert(challenge), Buffer.from('another digest').toString('base64url'))).toBe('PASSKEY_ASSERTION_INVALID');
    });
    it('is refused from an untrusted origin', async () => {
      expect(await refused(authenticator.assert(challenge, { origin: 'https://evil.example' }))).toBe('PASSKEY_ASSERTION_INVALID');
    });
    it('is refused for another RP id', async () => {
      expect(await refused(authenticator.assert(challenge, { rpId: 'evil.example' }))).toBe('PASSKEY_ASSERTION_INVALID');
    });
    it('is refused without user presence', async () => {
      expect(await refused(authenticator.assert(challenge, { userPresent: false }))).toBe('PASSKEY_ASSERTION_INVALID');
    });
    it('is refused without user verification', async () => {
      expect(await refused(authenticator.assert(challenge, { userVerified: false }))).toBe('PASSKEY_ASSERTION_INVALID');
    });
    it('is refused with a forged signature', async () => {
      const assertion = authenticator.assert(challenge);
      const forged = new SoftwareAuthenticator().assert(challenge);
      expect(await refused({ ...assertion, response: { ...assertion.response, signature: forged.response.signature } })).toBe('PASSKEY_ASSERTION_INVALID');
    });
  });
});
