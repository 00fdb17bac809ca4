import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyStore } from '../../../core/keys/keyStore';
import { KeyStoreTrust } from '../../../core/keys/keyStoreTrust';
import { isWritError } from '../../../core/errors/writError';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return isWritError(error) ? error.code : 'NOT_A_WRIT_ERROR';
  }
  return undefined;
}

describe('KeyStoreTrust', () => {
  const t0 = Date.parse('2026-11-26T10:00:00Z');
  let now = t0;
  const clock = () => new Date(now);
  let store: KeyStore;
  let trust: KeyStoreTrust;
  let firstKid: string;

  beforeEach(async () => {
    now = t0;
    store = KeyStore.open(join(mkdtempSync(join(tmpdir(), 'writ-trust-')), 'keys'), { clock });
    firstKid = (await store.ensureActive()).kid;
    trust = new KeyStoreTrust(store, 5, 5, () => now);
  });

  describe('when the key store rotates while the worker runs', () => {
    it('trusts the new key at once, without a restart', async () => {
      expect(trust.get(firstKid)).toBeDefined();
      now = t0 + 60_000;
      const second = await store.rotate();
      expect(trust.get(second.kid)).toBeDefined();
      expect(codeOf(() => trust.requireActiveAt(second.kid, now / 1000))).toBeUndefined();
    });

    it('accepts what the old key signed while active and refuses what it signed after (ARTIFACT_KEY_NOT_ACTIVE)', async () => {
      now = t0 + 60_000;
      await store.rotate();
      trust.get(firstKid);
      expect(codeOf(() => trust.requireActiveAt(firstKid, (t0 + 30_000) / 1000))).toBeUndefined();
      // Within the grace (skew plus the signer's cache) after rotation: still accepted.
      expect(codeOf(() => trust.requireActiveAt(firstKid, (t0 + 65_000) / 1000))).toBeUndefined();
      expect(codeOf(() => trust.requireActiveAt(firstKid, (t0 + 120_000) / 1000))).toBe('ARTIFACT_KEY_NOT_ACTIVE');
    });

    it('refuses an artifact the new key claims to have signed before it was active', async () => {
      now = t0 + 60_000;
      const second = await store.rotate();
      trust.get(second.kid);
      expect(codeOf(() => trust.requireActiveAt(second.kid, (t0 + 10_000) / 1000))).toBe('ARTIFACT_KEY_NOT_ACTIVE');
      // The signer's cache excuses an old key after rotation, never a new key before it.
      expect(codeOf(() => trust.requireActiveAt(second.kid, (t0 + 52_000) / 1000))).toBe('ARTIFACT_KEY_NOT_ACTIVE');
      expect(codeOf(() => trust.requireActiveAt(second.kid, (t0 + 56_000) / 1000))).toBeUndefined();
    });
  });

  describe('when a key is retired', () => {
    it('verifies nothing more (ARTIFACT_KEY_UNKNOWN)', async () => {
      now = t0 + 60_000;
      await store.rotate();
      store.retire(firstKid);
      now = t0 + 120_000; // past the refresh interval
      expect(codeOf(() => trust.get(firstKid))).toBe('ARTIFACT_KEY_UNKNOWN');
    });
  });

  describe('when a kid was never in the store', () => {
    it('is ARTIFACT_KEY_UNKNOWN', () => {
      expect(codeOf(() => trust.get('made-up'))).toBe('ARTIFACT_KEY_UNKNOWN');
    });
  });
});
