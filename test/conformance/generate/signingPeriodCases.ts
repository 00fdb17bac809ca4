import { baseClaims, fail, ISSUED, NOW, pass, writSigned, type CaseSpec, type KeyMaterial, type SigningPeriod } from './vectorKit';

// The grace a worker's signer cache needs after a rotation (openGovernance's SIGNER_CACHE_MS).
const GRACE = 5;
// Every case here runs with the default 5 s skew, so the enforcement point tolerates 10 s.
const CREATED = NOW - 86_400;

/**
 * Key signing periods: a key verifies only what it signed while it was the active signer.
 * In every case key a is the active signer and key b was rotated out (or never signed).
 */
export function signingPeriodCases(keys: KeyMaterial): CaseSpec[] {
  const { a, b } = keys;
  const activeA = (activatedAt: number): SigningPeriod => ({ key: a, status: 'active', createdAt: CREATED, activatedAt, deactivatedAt: null });
  const rotatedB = (deactivatedAt: number): SigningPeriod => ({ key: b, status: 'verify-only', createdAt: CREATED - 86_400, activatedAt: CREATED - 86_400, deactivatedAt });
  const periods = (...list: SigningPeriod[]) => ({ keyRotationGraceSeconds: GRACE, keys: list });
  return [
    {
      name: 'valid-key-in-signing-period',
      why: 'signed by the active key, which has been the active signer for an hour: the control for the signing-period cases.',
      token: writSigned(baseClaims(), a),
      signingPeriods: periods(activeA(NOW - 3600), rotatedB(NOW - 3600)),
      expected: pass,
    },
    {
      name: 'valid-key-within-rotation-grace',
      why: 'signed by the previous key three seconds after a rotation ended its period: inside the grace a worker\'s cached signer needs.',
      token: writSigned(baseClaims(), b),
      signingPeriods: periods(activeA(ISSUED - 3), rotatedB(ISSUED - 3)),
      expected: pass,
    },
    {
      name: 'key-signed-after-rotation_fail',
      why: 'signed by the previous key an hour after a rotation ended its period (a rotated-out or stolen old key authorizing new work).',
      token: writSigned(baseClaims(), b),
      signingPeriods: periods(activeA(NOW - 3600), rotatedB(NOW - 3600)),
      expected: fail('ARTIFACT_KEY_NOT_ACTIVE'),
    },
    {
      name: 'key-after-rotation-beyond-grace_fail',
      why: `signed by the previous key eleven seconds after its period ended, one past the ${GRACE} s grace and the 5 s skew together.`,
      token: writSigned(baseClaims(), b),
      signingPeriods: periods(activeA(ISSUED - 11), rotatedB(ISSUED - 11)),
      expected: fail('ARTIFACT_KEY_NOT_ACTIVE'),
    },
    {
      name: 'key-never-active_fail',
      why: 'signed by a published verify-only key that was never the active signer (no recorded signing period).',
      token: writSigned(baseClaims(), b),
      signingPeriods: periods(activeA(NOW - 3600), { key: b, status: 'verify-only', createdAt: CREATED, activatedAt: null, deactivatedAt: null }),
      expected: fail('ARTIFACT_KEY_NOT_ACTIVE'),
    },
    {
      name: 'key-signed-before-activation_fail',
      why: 'the artifact\'s iat is fifty seconds before its key became the active signer (a backdated artifact).',
      token: writSigned(baseClaims({ iat: NOW - 100, exp: NOW + 200 }), a),
      signingPeriods: periods(activeA(NOW - 50), rotatedB(NOW - 50)),
      expected: fail('ARTIFACT_KEY_NOT_ACTIVE'),
    },
    {
      name: 'key-before-activation-beyond-skew_fail',
      why: 'the artifact\'s iat is eight seconds before its key became the active signer: more than the 5 s skew, within skew plus rotation grace.',
      detail:
        'The rotation grace covers the previous key, which a worker may still hold in its signer cache for a few seconds after a rotation; a new key cannot sign before it is active, so before its period only the clock skew is tolerated (as the auditor judges it).',
      token: writSigned(baseClaims({ iat: NOW - 30, exp: NOW + 30 }), a),
      signingPeriods: periods(activeA(NOW - 22), rotatedB(NOW - 22)),
      expected: fail('ARTIFACT_KEY_NOT_ACTIVE'),
    },
  ];
}
