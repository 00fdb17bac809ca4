import { randomUUID } from 'node:crypto';
import type { Signer } from '../../artifact/mintArtifact';
import { signCompactJws } from '../../artifact/signCompactJws';
import { DenialClaimsSchema, DENIAL_TYP, type DenialClaims } from './denialClaims';

/**
 * Signs the record of one refused governed step (see DenialClaimsSchema): who asked, where,
 * what, under which policy, and the stable code it was refused with. The claims are
 * checked before they are signed, so a record that would not verify is never made.
 */
export async function mintDenialRecord(content: Omit<DenialClaims['writ'], 'v'>, signer: Signer, now: Date): Promise<string> {
  const claims = DenialClaimsSchema.parse({
    iss: 'writ',
    aud: 'writ-audit',
    jti: randomUUID(),
    iat: Math.floor(now.getTime() / 1000),
    writ: { v: 1, ...content },
  } satisfies DenialClaims);
  return signCompactJws(DENIAL_TYP, JSON.stringify(claims), signer);
}
