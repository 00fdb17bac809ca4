import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { WritError } from '../errors/writError';
import type { KeyResolver } from '../artifact/verify/checkSignature';
import type { PreverifiedSignatures } from '../artifact/verify/preverifiedSignatures';
import { verifyEd25519Jws } from '../artifact/verify/verifyEd25519Jws';
import type { KeyPurpose } from '../keys/keyPurpose';
import { ReceiptClaimsSchema, RECEIPT_TYP, type ReceiptClaims } from './receiptClaims';

const RECEIPT_HEADER_MEMBERS: ReadonlySet<string> = new Set(['alg', 'typ', 'kid']);

/**
 * Verifies a receipt's signature (header exactly alg, typ and kid, alg and typ pinned,
 * trusted key by kid) and claims, and that it binds the given artifact digest and result
 * digest. RECEIPT_INVALID names what failed; a receipt signed by an authorization key is
 * RECEIPT_KEY_PURPOSE_INVALID, since only an executor's receipt key attests to an execution.
 * `preverified` (an auditor's) spares a second verification of a signature already
 * verified for this key.
 */
export async function verifyReceipt(
  token: string,
  expected: { artifactDigest: string; resultDigest: string },
  keys: KeyResolver,
  preverified?: PreverifiedSignatures,
): Promise<ReceiptClaims> {
  const kid = receiptKid(token);
  let key: KeyObject;
  let purpose: KeyPurpose | undefined;
  try {
    key = keys.get(kid);
    purpose = keys.purposeOf(kid);
  } catch {
    throw new WritError('RECEIPT_INVALID', 'receipt does not verify');
  }
  if (purpose === 'authorization') {
    throw new WritError('RECEIPT_KEY_PURPOSE_INVALID', `receipt is signed by authorization key "${kid}": only a receipt key signs receipts`);
  }
  let claims: ReceiptClaims;
  try {
    const payload = verifyEd25519Jws(token, key, preverified);
    claims = ReceiptClaimsSchema.parse(JSON.parse(new TextDecoder().decode(payload)));
  } catch {
    throw new WritError('RECEIPT_INVALID', 'receipt does not verify');
  }
  if (claims.writ.artifactDigest !== expected.artifactDigest) throw new WritError('RECEIPT_INVALID', 'receipt names another artifact');
  if (claims.writ.resultDigest !== expected.resultDigest) throw new WritError('RECEIPT_INVALID', 'receipt names another result');
  return claims;
}

/** The kid of a receipt whose protected header is exactly what Writ signs; RECEIPT_INVALID otherwise. */
function receiptKid(token: string): string {
  try {
    const header = decodeProtectedHeader(token);
    // Exactly the members Writ signs: no `crit`, `b64`, `jwk` or anything else to honour.
    if (Object.keys(header).some((member) => !RECEIPT_HEADER_MEMBERS.has(member))) throw new Error('header');
    if (header.alg !== 'EdDSA' || header.typ !== RECEIPT_TYP || typeof header.kid !== 'string') throw new Error('header');
    return header.kid;
  } catch {
    throw new WritError('RECEIPT_INVALID', 'receipt does not verify');
  }
}
