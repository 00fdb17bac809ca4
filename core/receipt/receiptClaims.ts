import { z } from 'zod';

/** JWS `typ` of an execution receipt. */
export const RECEIPT_TYP = 'writ-receipt+jwt';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);

/**
 * What a receipt binds after an action ran: which artifact authorized it (by digest),
 * which execution it was, how it ended and the digest of what it produced.
 */
export const ReceiptClaimsSchema = z.strictObject({
  iss: z.literal('writ'),
  aud: z.literal('writ-audit'),
  jti: z.string().min(8).max(128),
  iat: z.number().int().nonnegative().max(253_402_300_799),
  writ: z.strictObject({
    v: z.literal(1),
    artifactId: z.string().min(8).max(128),
    artifactDigest: digest,
    runId: z.string().min(1),
    activityId: z.string().min(1),
    attempt: z.number().int().min(1),
    outcome: z.enum(['completed', 'failed']),
    resultDigest: digest,
  }),
});

/** The claims of an execution receipt. */
export type ReceiptClaims = z.infer<typeof ReceiptClaimsSchema>;
