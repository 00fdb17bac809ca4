import { baseClaims, fail, pass, writSigned, type CaseSpec, type GeneratedKey, type KeyMaterial } from './vectorKit';

/** The key with its published JWK marked for `purpose` (`writ_purpose`), as a key store publishes it. */
function marked(key: GeneratedKey, purpose: 'authorization' | 'receipt'): GeneratedKey {
  return { ...key, publicJwk: { ...key.publicJwk, writ_purpose: purpose } };
}

/**
 * Key purposes: the trusted set marks each key as an authorization key (the authorizer's)
 * or a receipt key (an executor's); only an authorization key, or a key published before
 * purposes existed (every other case's keys), signs an artifact that verifies.
 */
export function keyPurposeCases(keys: KeyMaterial): CaseSpec[] {
  const authorization = marked(keys.a, 'authorization');
  const receipt = marked(keys.b, 'receipt');
  return [
    {
      name: 'valid-key-purpose-authorization',
      why: 'signed by a key the trusted set marks as an authorization key, beside a receipt key: the control for the purpose case.',
      token: writSigned(baseClaims(), authorization),
      keys: [authorization, receipt],
      expected: pass,
    },
    {
      name: 'key-purpose-receipt_fail',
      why: "signed by a trusted key the key set marks as a receipt key (an executor's own key): it signs receipts, never authorization.",
      detail: 'The signature holds and every claim is genuine; only the key\'s purpose is wrong. An executor holds its receipt key, so accepting this would let any executor authorize its own actions.',
      token: writSigned(baseClaims(), receipt),
      keys: [authorization, receipt],
      expected: fail('ARTIFACT_KEY_PURPOSE_INVALID'),
    },
  ];
}
