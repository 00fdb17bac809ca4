import { ARTIFACT_AUDIENCE } from '../../../core/artifact/claims';
import { at, baseClaims, changed, ed25519Signed, fail, ISSUED, pinnedHeader, TTL, writSigned, type CaseSpec, type Json, type KeyMaterial, type MutableClaims } from './vectorKit';

/** Every member of the claims, as paths: each object and each leaf (the optional approval aside). */
function claimPaths(node: Json, prefix: string[] = []): string[][] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [];
  return Object.entries(node).flatMap(([key, value]) => [[...prefix, key], ...claimPaths(value, [...prefix, key])]);
}

/** Every claim missing, unknown claims, wrong types and values, and payloads that are not claims. */
export function claimCases(keys: KeyMaterial): CaseSpec[] {
  const { a } = keys;
  const invalid = (name: string, why: string, change: (claims: MutableClaims) => void, detail?: string): CaseSpec => ({
    name,
    why,
    ...(detail === undefined ? {} : { detail }),
    token: writSigned(changed(change), a),
    expected: fail('ARTIFACT_CLAIMS_INVALID'),
  });
  const missing = claimPaths(baseClaims()).map((steps) =>
    invalid(`claim-missing-${steps.join('-')}_fail`, `the signed claims lack \`${steps.join('.')}\`; every claim is required.`, (claims) => {
      delete at(claims, ...steps.slice(0, -1))[steps[steps.length - 1] ?? ''];
    }),
  );
  const genuinePayload = JSON.stringify(baseClaims());
  return [
    ...missing,
    invalid('claim-extra_fail', 'the signed claims carry a member Writ does not know (`scope`): an unknown claim is a malformed artifact, not an extension.', (c) => (c['scope'] = 'admin')),
    invalid('claim-extra-nested_fail', 'the signed runtime binding carries an unknown member (`maxDurationSeconds`).', (c) => (at(c, 'writ', 'runtime')['maxDurationSeconds'] = 3600)),
    invalid('audience-wrong_fail', 'aud names another audience than the enforcement point.', (c) => (c['aud'] = 'writ-approval')),
    invalid('audience-array_fail', 'aud is an array holding the right audience; Writ pins a single string.', (c) => (c['aud'] = [ARTIFACT_AUDIENCE])),
    invalid('issuer-wrong_fail', 'iss names another issuer.', (c) => (c['iss'] = 'writ-dev-idp')),
    invalid('claims-version-unknown_fail', 'writ.v is 2, a claims version this verifier does not know.', (c) => (at(c, 'writ')['v'] = 2)),
    invalid('claim-iat-string_fail', 'iat is a numeric string instead of a number.', (c) => (c['iat'] = String(ISSUED))),
    invalid('claim-exp-fraction_fail', 'exp is not an integer number of seconds.', (c) => (c['exp'] = ISSUED + TTL + 0.5)),
    invalid('claim-iat-negative_fail', 'iat is negative.', (c) => (c['iat'] = -1)),
    invalid('claim-digest-malformed_fail', 'the argument digest is not `sha256:` and 64 lowercase hex digits.', (c) => (at(c, 'writ', 'intent')['argsDigest'] = 'sha256:ABC')),
    invalid('claim-max-attempts-zero_fail', 'maxAttempts is 0.', (c) => (at(c, 'writ', 'runtime')['maxAttempts'] = 0)),
    {
      name: 'payload-not-json_fail',
      why: 'the trusted key signed a payload that is not JSON.',
      token: ed25519Signed(JSON.stringify(pinnedHeader(a.kid)), 'not json', a.privateKey),
      expected: fail('ARTIFACT_CLAIMS_INVALID'),
    },
    {
      name: 'payload-not-utf8_fail',
      why: 'the trusted key signed a payload that is not UTF-8 (a lone 0xFF byte inside a JSON string).',
      token: ed25519Signed(JSON.stringify(pinnedHeader(a.kid)), Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xff]), Buffer.from('"}')]), a.privateKey),
      expected: fail('ARTIFACT_CLAIMS_INVALID'),
    },
    {
      name: 'payload-array_fail',
      why: 'the trusted key signed a JSON array holding the claims.',
      token: ed25519Signed(JSON.stringify(pinnedHeader(a.kid)), `[${genuinePayload}]`, a.privateKey),
      expected: fail('ARTIFACT_CLAIMS_INVALID'),
    },
    {
      name: 'claims-duplicate-member_fail',
      why: 'the signed claims name sub twice ("alice", then "mallory"): two parsers can read two different principals.',
      detail: 'Writ parses signed documents strictly elsewhere (CANONICAL_DUPLICATE_KEY); an auditor in another language may keep the first member where JSON.parse keeps the last.',
      token: ed25519Signed(JSON.stringify(pinnedHeader(a.kid)), `${genuinePayload.slice(0, -1)},"sub":"mallory"}`, a.privateKey),
      expected: fail('ARTIFACT_CLAIMS_INVALID'),
    },
  ];
}

