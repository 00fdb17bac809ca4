import { randomUUID } from 'node:crypto';
import type { Signer } from '../artifact/mintArtifact';
import { signCompactJws } from '../artifact/signCompactJws';
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
  return signCompactJws(RECEIPT_TYP, JSON.stringify(claims), signer);
}
