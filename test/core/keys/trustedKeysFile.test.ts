import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditKeySet } from '../../../core/audit/keys/auditKeySet';
import { WritError, type WritErrorCode } from '../../../core/errors/writError';
import { KeyStore } from '../../../core/keys/keyStore';
import { TrustedKeysFile } from '../../../core/keys/trustedKeysFile';
import { writeFileAtomicSync } from '../../../core/keys/writeFileAtomic';

const directories: string[] = [];
afterAll(() => {
  for (const dir of directories) fs.rmSync(dir, { recursive: true, force: true });
});

function freshDirectory(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-trusted-file-'));
  directories.push(dir);
  return dir;
}

function codeOf(action: () => unknown): WritErrorCode | 'NO_ERROR' | 'NOT_A_WRIT_ERROR' {
  try {
    action();
    return 'NO_ERROR';
  } catch (error) {
    return error instanceof WritError ? error.code : 'NOT_A_WRIT_ERROR';
  }
}

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = Date.parse('2030-01-01T00:00:00Z')): { now: () => number; advance: (ms: number) => void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

/** An authorizer's key store, and the file its published key set is written to, as an executor reads it. */
async function authorizer(clock = () => new Date('2030-01-01T00:00:00Z')): Promise<{ store: KeyStore; file: string; publish: (withPeriods?: boolean) => void }> {
  const dir = freshDirectory();
  const store = KeyStore.open(path.join(dir, 'keys'), { clock });
  await store.ensureActive();
  const file = path.join(dir, 'trusted-jwks.json');
  const publish = (withPeriods = false) => {
    const document = withPeriods ? AuditKeySet.fromKeyRecords(store.exportKeyRecords()).toEvidence() : store.exportPublicJwks();
    writeFileAtomicSync(file, JSON.stringify(document), 0o644);
  };
  publish();
  return { store, file, publish };
}

describe('TrustedKeysFile', () => {
  describe('when the published key set changes after a rotation', () => {
    it('trusts the new key once the file is rewritten, with no restart', async () => {
      const { store, publish, file } = await authorizer();
      const clock = manualClock();
      const trust = TrustedKeysFile.open(file, { skewSeconds: 5, cacheSeconds: 5, now: clock.now });
      const old = store.list()[0]!.kid;
      expect(trust.purposeOf(old)).toBe('authorization');
      const next = (await store.rotate()).kid;
      publish();
      expect(codeOf(() => trust.get(next))).toBe('ARTIFACT_KEY_UNKNOWN');
      clock.advance(1_000);
      expect(codeOf(() => trust.get(next))).toBe('NO_ERROR');
      expect(trust.purposeOf(next)).toBe('authorization');
    });
  });

  describe('when the file cannot be read', () => {
    it('refuses to open a missing file with KEYSTORE_INVALID', () => {
      expect(codeOf(() => TrustedKeysFile.open(path.join(freshDirectory(), 'none.json'), { skewSeconds: 5, cacheSeconds: 5 }))).toBe('KEYSTORE_INVALID');
    });

    it('refuses every key with KEYSTORE_INVALID while the file is broken, and trusts again once it is fixed', async () => {
      const { store, file, publish } = await authorizer();
      const clock = manualClock();
      const trust = TrustedKeysFile.open(file, { skewSeconds: 5, cacheSeconds: 5, now: clock.now });
      const kid = store.list()[0]!.kid;
      writeFileAtomicSync(file, '{ "keys": [', 0o644);
      clock.advance(1_000);
      expect(codeOf(() => trust.get(kid))).toBe('KEYSTORE_INVALID');
      clock.advance(5_000);
      // Not judged by the keys the file held before it broke.
      expect(codeOf(() => trust.get(kid))).toBe('KEYSTORE_INVALID');
      publish();
      clock.advance(1_000);
      expect(codeOf(() => trust.get(kid))).toBe('NO_ERROR');
    });

    it('refuses a file where only some keys carry their signing period', async () => {
      const { store, file } = await authorizer();
      await store.rotate();
      const [withPeriod] = AuditKeySet.fromKeyRecords(store.exportKeyRecords()).toEvidence().keys;
      const [, plain] = store.exportPublicJwks().keys;
      writeFileAtomicSync(file, JSON.stringify({ keys: [withPeriod, plain] }), 0o644);
      expect(codeOf(() => TrustedKeysFile.open(file, { skewSeconds: 5, cacheSeconds: 5 }))).toBe('KEYSTORE_INVALID');
    });
  });

  describe('when the keys carry their signing periods', () => {
    it('accepts the rotated-out key only for what it signed while it was the active signer (ARTIFACT_KEY_NOT_ACTIVE)', async () => {
      let at = new Date('2030-01-01T00:00:00Z');
      const { store, file, publish } = await authorizer(() => at);
      const old = store.list()[0]!.kid;
      at = new Date('2030-01-02T00:00:00Z');
      await store.rotate();
      publish(true);
      const trust = TrustedKeysFile.open(file, { skewSeconds: 5, cacheSeconds: 5, now: () => Date.parse('2030-01-03T00:00:00Z') });
      expect(codeOf(() => trust.get(old))).toBe('NO_ERROR');
      expect(codeOf(() => trust.requireActiveAt(old, Date.parse('2030-01-01T12:00:00Z') / 1000))).toBe('NO_ERROR');
      expect(codeOf(() => trust.requireActiveAt(old, Date.parse('2030-01-02T12:00:00Z') / 1000))).toBe('ARTIFACT_KEY_NOT_ACTIVE');
    });

    it('knows a receipt key in a merged set as a receipt key', async () => {
      const { store, file } = await authorizer();
      const receipts = KeyStore.open(path.join(freshDirectory(), 'receipt-keys'), { purpose: 'receipt' });
      const receipt = (await receipts.ensureActive()).kid;
      const merged = AuditKeySet.merge([AuditKeySet.fromKeyRecords(store.exportKeyRecords()), AuditKeySet.fromKeyRecords(receipts.exportKeyRecords())]);
      writeFileAtomicSync(file, JSON.stringify(merged.toEvidence()), 0o644);
      const trust = TrustedKeysFile.open(file, { skewSeconds: 5, cacheSeconds: 5 });
      expect(trust.purposeOf(receipt)).toBe('receipt');
      expect(trust.purposeOf(store.list()[0]!.kid)).toBe('authorization');
    });
  });
});
