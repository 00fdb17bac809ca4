import { z } from 'zod';
import { WRIT_ERROR_CODES } from '../../errors/writError';

/** JWS `typ` of a signed denial record. */
export const DENIAL_TYP = 'writ-denial+jwt';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const instant = z.number().int().nonnegative().max(253_402_300_799);
const name = z.string().min(1).max(256);

/**
 * The claims of a signed denial record: the evidence Writ logs when it refuses a governed
 * step, signed like a receipt (issuer `writ`, audience `writ-audit`). It binds who asked
 * (`principal`, null when no identity verified), where (`runtime`), what (`intent`: the
 * action and the digest of its arguments, null when they had no canonical form), under
 * which policy (null when the step was refused before a policy decided) and why (`code`,
 * a stable Writ code), at which stage: `authorize` (writ.authorize), `enforce` (the
 * enforcement point before the action body) or `approval` (an approval wait that timed out). Strict at every level, as artifacts are.
 */
export const DenialClaimsSchema = z.strictObject({
  iss: z.literal('writ'),
  aud: z.literal('writ-audit'),
  jti: z.string().min(8).max(128),
  iat: instant,
  writ: z.strictObject({
    v: z.literal(1),
    stage: z.enum(['authorize', 'enforce', 'approval']),
    code: z.enum(WRIT_ERROR_CODES),
    principal: z.strictObject({ id: name, issuer: name, tokenDigest: digest }).nullable(),
    runtime: z.strictObject({
      namespace: name,
      taskQueue: name,
      workflowId: name,
      runId: name,
      stepId: name,
      activityId: name.nullable(),
    }),
    intent: z.strictObject({ action: name, argsDigest: digest.nullable() }),
    policy: z
      .strictObject({
        setId: name,
        version: name,
        digest,
        determiningPolicies: z.array(name).max(256),
      })
      .nullable(),
  }),
});

/** The claims of a signed denial record. */
export type DenialClaims = z.infer<typeof DenialClaimsSchema>;
