import { z } from 'zod';
import { EvidenceKeySetSchema } from '../keys/auditKeySet';
import { IdentityEvidenceSchema } from './identityEvidence';
import { PolicySetEvidenceSchema } from './policySetEvidence';

/** The `format` member of every evidence bundle. */
export const EVIDENCE_FORMAT = 'writ-evidence';

/** One run in a bundle: who it is, and its history as Temporal's standard history JSON. */
export const EvidenceRunSchema = z.strictObject({
  workflowId: z.string().min(1),
  runId: z.string().min(1),
  workflowType: z.string().min(1),
  // Temporal's own JSON form (`temporal workflow show --output json`, the Web UI's download):
  // events are read back with historyFromJSON, which checks them further.
  history: z.strictObject({ events: z.array(z.record(z.string(), z.unknown())).min(1) }),
});

/**
 * A self-contained evidence bundle: the histories, the public keys (with the periods in
 * which each signed), the policy sets the artifacts cite and the identity provider's public
 * keys (optional: bundles written before it verify as before, except that operator events
 * then stay unverified, a finding). Everything an auditor needs,
 * with no server; nothing in it is trusted until verified (the keys only as far as the
 * auditor chooses to trust them, which is why `writ audit verify --keys` can replace them).
 */
export const EvidenceBundleSchema = z.strictObject({
  format: z.literal(EVIDENCE_FORMAT),
  version: z.literal(1),
  exportedAt: z.iso.datetime(),
  namespace: z.string().min(1),
  keys: EvidenceKeySetSchema,
  policySets: z.array(PolicySetEvidenceSchema),
  /** The identity provider that signed identity tokens and operator statements. */
  identity: IdentityEvidenceSchema.optional(),
  /** Ungoverned activities the configuration allowed when the runs were exported. */
  exemptActivities: z.array(z.string().min(1)).optional(),
  runs: z.array(EvidenceRunSchema).min(1),
});

/** An evidence bundle. */
export type EvidenceBundle = z.infer<typeof EvidenceBundleSchema>;

/** One run of a bundle. */
export type EvidenceRun = z.infer<typeof EvidenceRunSchema>;
