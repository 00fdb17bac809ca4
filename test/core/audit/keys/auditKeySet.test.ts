import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { AuditError, AuditKeySet, keyRecordsToEvidence } from '../../../../core/audit';
import type { KeyRecord } from '../../../../core/keys/keyStore';

async function record(status: KeyRecord['status'], activatedAt: string | null, deactivatedAt: string | null): Promise<KeyRecord & { d: string }> {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, 'sha256');
  return { kid, createdAt: activatedAt ?? '2030-01-01T00:00:00.000Z', status, activatedAt, deactivatedAt, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, kid, alg: 'EdDSA', use: 'sig' }, d: jwk.d! };
}

const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function codeOf(action: () => unknown): string {
  try {
    action();
    return 'NO_ERROR';
  } catch (error) {
    return error instanceof AuditError ? error.code : 'NOT_AN_AUDIT_ERROR';
  }
}

describe('AuditKeySet', () => {
  describe('when judging the time a signature was issued', () => {
    it('accepts a signature inside the signing period and refuses one after it, beyond skew and grace', async () => {
      const old = await record('verify-only', '2030-01-01T00:00:00.000Z', '2030-01-02T00:00:00.000Z');
      const keys = AuditKeySet.fromKeyRecords([old]);
      expect(keys.judgeIssueTime(old.kid, at('2030-01-01T12:00:00Z'), 5, 5)).toEqual({ valid: true });
      expect(keys.judgeIssueTime(old.kid, at('2030-01-02T00:00:09Z'), 5, 5)).toEqual({ valid: true });
      expect(keys.judgeIssueTime(old.kid, at('2030-01-02T00:00:11Z'), 5, 5)).toMatchObject({ valid: false, found: 'issued at 2030-01-02T00:00:11.000Z' });
      expect(keys.judgeIssueTime(old.kid, at('2029-12-31T23:59:50Z'), 5, 5)).toMatchObject({ valid: false });
    });

    it('keeps the active key valid with no end', async () => {
      const active = await record('active', '2030-01-01T00:00:00.000Z', null);
      expect(AuditKeySet.fromKeyRecords([active]).judgeIssueTime(active.kid, at('2040-01-01T00:00:00Z'), 5, 5)).toEqual({ valid: true });
    });

    it('refuses every signature of a key that never was the active signer', async () => {
      const never = await record('verify-only', null, null);
      const keys = AuditKeySet.fromKeyRecords([never]);
      expect(keys.judgeIssueTime(never.kid, at('2030-01-01T00:00:00Z'), 5, 5)).toMatchObject({ valid: false, expected: expect.stringContaining('never was') });
    });

    it('keeps a retired key, so that what it signed while active still verifies', async () => {
      const retired = await record('retired', '2030-01-01T00:00:00.000Z', '2030-01-02T00:00:00.000Z');
      const keys = AuditKeySet.fromKeyRecords([retired]);
      expect(keys.kids()).toEqual([retired.kid]);
      expect(keys.judgeIssueTime(retired.kid, at('2030-01-01T06:00:00Z'), 5, 5)).toEqual({ valid: true });
    });
  });

  describe('when a manifest predates signing periods', () => {
    it('dates the active key from its creation and treats a verify-only key as never having signed', async () => {
      const active = { ...(await record('active', null, null)), createdAt: '2030-01-01T00:00:00.000Z' };
      const evidence = keyRecordsToEvidence([active]);
      expect(evidence.keys[0]!.writ).toEqual({ createdAt: '2030-01-01T00:00:00.000Z', status: 'active', activeFrom: '2030-01-01T00:00:00.000Z', activeUntil: null });
    });
  });

  describe('when the evidence is not a valid key set', () => {
    it('refuses private key material', async () => {
      const key = await record('active', '2030-01-01T00:00:00.000Z', null);
      const evidence = keyRecordsToEvidence([key]);
      expect(codeOf(() => AuditKeySet.fromEvidence({ keys: [{ ...evidence.keys[0], d: key.d }] }))).toBe('EVIDENCE_INVALID');
    });

    it('refuses a key without its signing period, an empty set and an end before the start', async () => {
      const key = await record('active', '2030-01-01T00:00:00.000Z', null);
      const { writ: _validity, ...plain } = keyRecordsToEvidence([key]).keys[0]!;
      expect(codeOf(() => AuditKeySet.fromEvidence({ keys: [plain] }))).toBe('EVIDENCE_INVALID');
      expect(codeOf(() => AuditKeySet.fromEvidence({ keys: [] }))).toBe('EVIDENCE_INVALID');
      const backwards = keyRecordsToEvidence([{ ...key, status: 'verify-only', deactivatedAt: '2029-01-01T00:00:00.000Z' }]);
      expect(codeOf(() => AuditKeySet.fromEvidence(backwards))).toBe('EVIDENCE_INVALID');
    });

    it('refuses two keys with one kid', async () => {
      const key = await record('active', '2030-01-01T00:00:00.000Z', null);
      const evidence = keyRecordsToEvidence([key, key]);
      expect(codeOf(() => AuditKeySet.fromEvidence(evidence))).toBe('EVIDENCE_INVALID');
    });
  });
});
