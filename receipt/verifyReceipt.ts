import { compactVerify, decodeProtectedHeader } from 'jose';
import { WritError } from '../errors/writError';
import type { KeyResolver } from '../artifact/verify/checkSignature';
import { ReceiptClaimsSchema, RECEIPT_TYP, type ReceiptClaims } from './receiptClaims';

/**
 * Verifies a receipt's signature (pinned alg and typ, trusted key by kid) and claims,
 * and that it binds the given artifact digest and result digest. RECEIPT_INVALID names
 * what failed.
 */
export async function verifyReceipt(
  token: string,
  expected: { artifactDigest: string; resultDigest: string },
  keys: KeyResolver,
): Promise<ReceiptClaims> {
  let claims: ReceiptClaims;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'EdDSA' || header.typ !== RECEIPT_TYP || typeof header.kid !== 'string') throw new Error('header');
    const { payload } = await compactVerify(token, keys.get(header.kid), { algorithms: ['EdDSA'] });
    claims = ReceiptClaimsSchema.parse(JSON.parse(new TextDecoder().decode(payload)));
  } catch {
    throw new WritError('RECEIPT_INVALID', 'receipt does not verify');
  }
  if (claims.writ.artifactDigest !== expected.artifactDigest) throw new WritError('RECEIPT_INVALID', 'receipt names another artifact');
  if (claims.writ.resultDigest !== expected.resultDigest) throw new WritError('RECEIPT_INVALID', 'receipt names another result');
  return claims;
}
