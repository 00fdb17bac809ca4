import { z } from 'zod';

// Every operator act is a statement signed by the operator's identity provider, for an
// audience of its own, so one kind of statement can never be replayed as another.

/** Audience of approval and denial statements. */
export const APPROVAL_AUDIENCE = 'writ-approval';
/** Audience of revocation statements. */
export const REVOCATION_AUDIENCE = 'writ-revocation';
/** Audience of kill-switch statements. */
export const KILL_SWITCH_AUDIENCE = 'writ-kill-switch';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const name = z.string().min(1).max(256);

/** An approval or denial of one pending request, bound to its digest. */
export const ApprovalStatementSchema = z.strictObject({
  kind: z.literal('approval'),
  decision: z.enum(['approve', 'deny']),
  requestDigest: digest,
  workflowId: name,
  runId: name,
  stepId: name,
  action: name,
  argsDigest: digest,
  policyVersion: name,
  reason: z.string().max(500).optional(),
});
export type ApprovalStatement = z.infer<typeof ApprovalStatementSchema>;

/** Revokes the authority of one workflow run. */
export const RevocationStatementSchema = z.strictObject({
  kind: z.literal('revocation'),
  workflowId: name,
  runId: name,
  reason: z.string().min(1).max(500),
});
export type RevocationStatement = z.infer<typeof RevocationStatementSchema>;

/**
 * Engages or lifts the namespace-wide kill switch. A lift names the halt it lifts
 * (`lifts`: the digest of the engaging statement in force), so a lift signed for one halt
 * can never end a later one. An engage names no state: halting is the fail-closed
 * direction and must not fail because another operator halted first; its replay is
 * refused by the single-use registry and its late delivery by the freshness window.
 */
export const KillSwitchStatementSchema = z.discriminatedUnion('engage', [
  z.strictObject({
    kind: z.literal('kill-switch'),
    engage: z.literal(true),
    namespace: name,
    reason: z.string().min(1).max(500),
  }),
  z.strictObject({
    kind: z.literal('kill-switch'),
    engage: z.literal(false),
    namespace: name,
    /** `sha256:<hex>` of the engaging statement whose halt this lifts. */
    lifts: digest,
    reason: z.string().min(1).max(500),
  }),
]);
export type KillSwitchStatement = z.infer<typeof KillSwitchStatementSchema>;
