import type { PasskeyBinding } from '../../../core/governance/passkeyRegistry';
import { freshStorePerCase } from '../../support/governance/freshStorePerCase';
import { postgresBackend, sqliteBackend } from '../../support/governance/storeBackends';

// Operators' passkeys on both backends: SQLite (a file in a temporary directory) and
// PostgreSQL (a real server the suite starts, a fresh database per case).

const binding: PasskeyBinding = {
  credentialId: 'cred-bob-1',
  principal: 'bob',
  groups: ['treasury-approvers'],
  publicKey: 'pQECAyYgASFYIA',
  rpId: 'localhost',
  registeredAt: '2030-01-01T00:00:00.000Z',
  bindingDigest: 'sha256:b1',
  evidence: '{"binding":{}}',
};
const use = (statementDigest: string, counter: number) => ({ credentialId: binding.credentialId, statementDigest, counter });

describe.each([sqliteBackend(), postgresBackend()])('the passkey registry of the $name governance store', (backend) => {
  const fresh = freshStorePerCase(backend);

  describe('when a passkey is bound', () => {
    it('answers it by credential id and by principal, through this store and another on the same database', async () => {
      await expect(fresh.store.registerPasskey(binding)).resolves.toEqual(binding);
      const other = await fresh.openAnother();
      await expect(other.passkey(binding.credentialId)).resolves.toEqual(binding);
      await expect(other.passkeysOf('bob')).resolves.toEqual([binding]);
      await expect(other.passkeysOf('carol')).resolves.toEqual([]);
      await expect(other.passkey('cred-unknown')).resolves.toBeUndefined();
    });

    it('returns the first binding when the same one is recorded again, and refuses the credential for another principal or key', async () => {
      await fresh.store.registerPasskey(binding);
      await expect(fresh.store.registerPasskey({ ...binding, registeredAt: '2030-01-02T00:00:00.000Z' })).resolves.toMatchObject({ registeredAt: binding.registeredAt });
      await expect(fresh.store.registerPasskey({ ...binding, principal: 'mallory' })).rejects.toMatchObject({ code: 'PASSKEY_ALREADY_BOUND', facts: { principal: 'bob' } });
      await expect(fresh.store.registerPasskey({ ...binding, publicKey: 'other-key' })).rejects.toMatchObject({ code: 'PASSKEY_ALREADY_BOUND' });
      await expect(fresh.store.passkey(binding.credentialId)).resolves.toMatchObject({ principal: 'bob', publicKey: binding.publicKey });
    });
  });

  describe('when assertions are recorded', () => {
    it('takes rising counters, the same statement again, and refuses a counter that does not rise', async () => {
      await fresh.store.registerPasskey(binding);
      await fresh.store.recordPasskeyAssertion(use('sha256:s1', 1));
      await fresh.store.recordPasskeyAssertion(use('sha256:s2', 5));
      // A later authorization citing the first approval again.
      await expect(fresh.store.recordPasskeyAssertion(use('sha256:s1', 1))).resolves.toBeUndefined();
      await expect(fresh.store.recordPasskeyAssertion(use('sha256:s3', 5))).rejects.toMatchObject({ code: 'PASSKEY_COUNTER_REGRESSED', facts: { counter: 5, last: 5 } });
      await expect(fresh.store.recordPasskeyAssertion(use('sha256:s4', 2))).rejects.toMatchObject({ code: 'PASSKEY_COUNTER_REGRESSED' });
      const other = await fresh.openAnother();
      await expect(other.recordPasskeyAssertion(use('sha256:s5', 6))).resolves.toBeUndefined();
    });

    it('takes counters that stay 0 (an authenticator that keeps none), and refuses 0 after a counter was seen', async () => {
      await fresh.store.registerPasskey(binding);
      await fresh.store.recordPasskeyAssertion(use('sha256:z1', 0));
      await fresh.store.recordPasskeyAssertion(use('sha256:z2', 0));
      await fresh.store.recordPasskeyAssertion(use('sha256:z3', 3));
      await expect(fresh.store.recordPasskeyAssertion(use('sha256:z4', 0))).rejects.toMatchObject({ code: 'PASSKEY_COUNTER_REGRESSED' });
    });
  });
});
