import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { loadPolicySet } from '../../../../core/policy/policySet';
import { AuditError, AuditKeySet, parseBundle, policySetDigest, policySetEvidence, readBundle, verifyBundle, type EvidenceBundle } from '../../../../core/audit';

const CLEAN = resolve(__dirname, '../../../fixtures/audit/clean-transfer/bundle.json');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'writ-bundle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function codeOf(action: () => unknown): Promise<string> {
  try {
    await action();
    return 'NO_ERROR';
  } catch (error) {
    return error instanceof AuditError ? error.code : `NOT_AN_AUDIT_ERROR: ${String(error)}`;
  }
}

function clean(): EvidenceBundle {
  return readBundle(CLEAN);
}

describe('readBundle', () => {
  it('reads a bundle written by export', () => {
    const bundle = clean();
    expect(bundle).toMatchObject({ format: 'writ-evidence', version: 1, namespace: 'writ' });
    expect(bundle.runs).toHaveLength(1);
  });

  describe('when the file is not a bundle', () => {
    it('refuses a missing file and invalid JSON as EVIDENCE_UNREADABLE', async () => {
      expect(await codeOf(() => readBundle(join(dir, 'missing.json')))).toBe('EVIDENCE_UNREADABLE');
      writeFileSync(join(dir, 'broken.json'), '{"format": ');
      expect(await codeOf(() => readBundle(join(dir, 'broken.json')))).toBe('EVIDENCE_UNREADABLE');
    });

    it('refuses a duplicate key, which two readers could resolve differently', async () => {
      const text = readFileSync(CLEAN, 'utf8').replace('"namespace": "writ",', '"namespace": "writ", "namespace": "other",');
      writeFileSync(join(dir, 'duplicate.json'), text);
      expect(await codeOf(() => readBundle(join(dir, 'duplicate.json')))).toBe('EVIDENCE_UNREADABLE');
    });

    it('refuses another format, an unknown member and a bundle with no runs, listing each issue', async () => {
      expect(await codeOf(() => parseBundle({ ...clean(), format: 'other' }))).toBe('EVIDENCE_INVALID');
      expect(await codeOf(() => parseBundle({ ...clean(), runs: [] }))).toBe('EVIDENCE_INVALID');
      try {
        parseBundle({ ...clean(), signedBy: 'someone' });
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(AuditError);
        expect((error as AuditError).issues.map((issue) => issue.path)).toEqual(['$']);
      }
    });
  });
});

describe('verifyBundle', () => {
  describe('when a policy set in the bundle is not what its digest says', () => {
    it('refuses the evidence as EVIDENCE_INVALID', async () => {
      const bundle = clean();
      const [set] = bundle.policySets;
      const edited = { ...set!, policies: set!.policies.map((p, i) => (i === 0 ? { ...p, text: `${p.text}\n// edited` } : p)) };
      expect(await codeOf(() => verifyBundle({ ...bundle, policySets: [edited] }, { replay: false }))).toBe('EVIDENCE_INVALID');
    });
  });

  describe('when the auditor trusts other keys than the bundle carries', () => {
    it('fails every artifact and receipt the bundle vouches for with its own keys', async () => {
      const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
      const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, 'sha256');
      const mine = AuditKeySet.fromEvidence({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: jwk.x!, kid, writ: { createdAt: '2020-01-01T00:00:00.000Z', status: 'active', activeFrom: '2020-01-01T00:00:00.000Z', activeUntil: null } }] });
      const verdict = await verifyBundle(clean(), { replay: false, keys: mine });
      expect(verdict.runs[0]!.findings.map((f) => [f.code, f.found.split(':')[0]])).toEqual([
        ['ARTIFACT_INVALID', 'ARTIFACT_KEY_UNKNOWN'],
        ['RECEIPT_INVALID', 'RECEIPT_INVALID'],
      ]);
    });
  });

  describe('when the options are invalid', () => {
    it('refuses them before verifying anything', async () => {
      expect(await codeOf(() => verifyBundle(clean(), { replay: false, clockSkewSeconds: -1 }))).toBe('AUDIT_OPTIONS_INVALID');
      expect(await codeOf(() => verifyBundle(clean(), { replay: false, maxLifetimeSeconds: 1.5 }))).toBe('AUDIT_OPTIONS_INVALID');
    });
  });
});

describe('policySetDigest', () => {
  it('recomputes exactly the digest loadPolicySet gives the repository policies', () => {
    const set = loadPolicySet(resolve(__dirname, '../../../../examples/policies'));
    expect(policySetDigest(policySetEvidence(set))).toBe(set.digest);
  });
});
