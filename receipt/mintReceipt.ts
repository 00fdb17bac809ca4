import { randomUUID } from 'node:crypto';
import { CompactSign } from 'jose';
import { WritError } from '../errors/writError';
import type { Signer } from '../artifact/mintArtifact';
import { ReceiptClaimsSchema, RECEIPT_TYP, type ReceiptClaims } from './receiptClaims';

/**
 * Signs a receipt for one finished execution. The enforcement point calls this with the
 * digest of what the action actually returned (or threw), so the receipt is evidence of
 * the outcome, not the workflow's account of it.
 */
export async function mintReceipt(content: Omit<ReceiptClaims['writ'], 'v'>, signer: Signer, now: Date): Promise<string> {
  const claims = ReceiptClaimsSchema.parse({
    iss: 'writ',
    aud: 'writ-audit',
    jti: randomUUID(),
    iat: Math.floor(now.getTime() / 1000),
    writ: { v: 1, ...content },
  } satisfies ReceiptClaims);
  try {
    return await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'EdDSA', typ: RECEIPT_TYP, kid: signer.kid })
      .sign(signer.key);
  } catch (error) {
    throw new WritError('SIGNER_UNAVAILABLE', `signing a receipt with key ${signer.kid} failed: ${(error as Error).name}`);
  }
}
