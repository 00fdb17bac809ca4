import { baseClaims, fail, NOW, writSigned, type CaseSpec, type KeyMaterial } from './vectorKit';

/** Window boundaries: exactly at exp and nbf, skew, future iat, lifetimes. */
export function windowCases(keys: KeyMaterial): CaseSpec[] {
  const { a } = keys;
  const windowed = (window: { iat?: number; nbf?: number; exp?: number }) => writSigned(baseClaims(window), a);
  return [
    { name: 'at-exp_fail', why: 'judged exactly at exp with no clock skew: the window ends before exp.', token: windowed({ iat: NOW - 60 }), clockSkewSeconds: 0, expected: fail('ARTIFACT_EXPIRED') },
    { name: 'at-exp-plus-skew_fail', why: 'judged at exp + 5 s with a tolerated skew of 5 s.', token: windowed({ iat: NOW - 65 }), clockSkewSeconds: 5, expected: fail('ARTIFACT_EXPIRED') },
    { name: 'expired-long-ago_fail', why: 'expired a day before it is presented.', token: windowed({ iat: NOW - 86_400 }), expected: fail('ARTIFACT_EXPIRED') },
    {
      name: 'before-nbf_fail',
      why: 'judged one second before nbf with no clock skew (issued earlier, valid only from nbf).',
      token: windowed({ iat: NOW - 10, nbf: NOW + 1, exp: NOW + 60 }),
      clockSkewSeconds: 0,
      expected: fail('ARTIFACT_NOT_YET_VALID'),
    },
    { name: 'before-nbf-beyond-skew_fail', why: 'iat = nbf six seconds after the verifier\'s clock, one more than the 5 s skew.', token: windowed({ iat: NOW + 6 }), clockSkewSeconds: 5, expected: fail('ARTIFACT_NOT_YET_VALID') },
    { name: 'future-iat_fail', why: 'issued a minute in the future (iat = nbf = now + 60): an artifact cannot be minted ahead to last.', token: windowed({ iat: NOW + 60 }), expected: fail('ARTIFACT_NOT_YET_VALID') },
    {
      name: 'iat-beyond-date-range_fail',
      why: 'iat = nbf far beyond the range a JavaScript Date can hold (year 287,000), with a 60 s lifetime: claims name no instant past the year 9999.',
      detail: 'A verifier must refuse such times with a code, never crash formatting them.',
      token: windowed({ iat: 9_000_000_000_000 }),
      expected: fail('ARTIFACT_CLAIMS_INVALID'),
    },
    { name: 'lifetime-too-long_fail', why: 'exp - iat is 901 s, one over maxLifetimeSeconds, although now is inside [nbf, exp).', token: windowed({ iat: NOW - 450, exp: NOW + 451 }), expected: fail('ARTIFACT_LIFETIME_EXCESSIVE') },
    { name: 'lifetime-year_fail', why: 'an artifact minted to last a year.', token: windowed({ iat: NOW - 10, exp: NOW + 31_536_000 }), expected: fail('ARTIFACT_LIFETIME_EXCESSIVE') },
    { name: 'nbf-before-iat_fail', why: 'nbf precedes iat: an artifact valid before it was issued.', token: windowed({ iat: NOW - 5, nbf: NOW - 20, exp: NOW + 30 }), expected: fail('ARTIFACT_LIFETIME_EXCESSIVE') },
    { name: 'exp-equals-nbf_fail', why: 'exp equals nbf: an empty window.', token: windowed({ iat: NOW - 10, nbf: NOW - 10, exp: NOW - 10 }), expected: fail('ARTIFACT_LIFETIME_EXCESSIVE') },
  ];
}

