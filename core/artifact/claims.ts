import { z } from 'zod';

/** JWS `typ` of an authorization artifact; pinned at the enforcement point. */
export const ARTIFACT_TYP = 'writ-authz+jwt';
/** The only signature algorithm Writ issues or accepts. */
export const ARTIFACT_ALG = 'EdDSA';
/** Issuer and audience of every artifact. */
export const ARTIFACT_ISSUER = 'writ';
export const ARTIFACT_AUDIENCE = 'writ-enforcement';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);
// Seconds since the epoch, up to the last second of year 9999: every time a claim names
// must be an instant a Date (and so every later check, and every auditor) can hold.
const instant = z.number().int().nonnegative().max(253_402_300_799);
const name = z.string().min(1).max(256);

/**
 * The claims an authorization artifact binds. Strict at every level: a claim Writ does
 * not know is a malformed artifact, not an extension. See README ("Artifact claims").
 */
export const ArtifactClaimsSchema = z.strictObject({
  iss: z.literal(ARTIFACT_ISSUER),
  aud: z.literal(ARTIFACT_AUDIENCE),
  sub: name,
  jti: z.string().min(8).max(128),
  iat: instant,
  nbf: instant,
  exp: instant,
  writ: z.strictObject({
    v: z.literal(1),
    principal: z.strictObject({
      id: name,
      groups: z.array(name).max(64),
      issuer: name,
      tokenDigest: digest,
    }),
    runtime: z.strictObject({
      namespace: name,
      taskQueue: name,
      workflowId: name,
      runId: name,
      workflowType: name,
      stepId: name,
      activityId: name,
      maxAttempts: z.number().int().min(1).max(10),
    }),
    policy: z.strictObject({
      setId: name,
      version: name,
      digest,
      determiningPolicies: z.array(name).max(256),
    }),
    intent: z.strictObject({
      action: name,
      argsDigest: digest,
    }),
    environment: z.strictObject({
      workerBuildId: name,
      codeDigest: digest,
      policyInputsDigest: digest,
    }),
    lineage: z.strictObject({
      sequence: z.number().int().min(1),
      previous: digest.nullable(),
      parent: digest.nullable(),
    }),
    /** Present when approvals were required or presented: how many, and by whom. */
    approval: z
      .strictObject({
        required: z.number().int().min(0).max(10),
        approvers: z.array(z.strictObject({ approver: name, statementDigest: digest })).max(10),
      })
      .optional(),
  }),
});

/** The claims of a verified (or about to be signed) authorization artifact. */
export type ArtifactClaims = z.infer<typeof ArtifactClaimsSchema>;
