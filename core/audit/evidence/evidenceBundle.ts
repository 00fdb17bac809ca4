import { z } from 'zod';
import type { Assert, SameType } from '../../types/sameType';
import { EvidenceKeySetSchema, type EvidenceKeySet } from '../keys/auditKeySet';
import { IdentityEvidenceSchema, type IdentityEvidence } from './identityEvidence';
import { PasskeyEvidenceSchema, type PasskeyEvidence } from './passkeyEvidence';
import { PolicySetEvidenceSchema, type PolicySetEvidence } from './policySetEvidence';

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

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/**
 * The evidence log's proofs for the runs of a bundle: one checkpoint of the log (its note
 * verbatim, cosignatures included) and, for every entry of the runs, its index, its bytes
 * as logged (base64) and its RFC 9162 inclusion proof against that checkpoint (base64
 * hashes, from the leaf's sibling up): each entry with the checkpoint is a C2SP tlog-proof.
 * Nothing in it is trusted: the checkpoint verifies only with the log key the auditor holds.
 */
export const EvidenceLogProofsSchema = z.strictObject({
  checkpoint: z.string().min(1).max(1_000_000),
  entries: z.array(z.strictObject({ index: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), entry: base64, proof: z.array(base64).max(63) })),
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
  /** Operators' passkeys the runs' statements were made with, and their bindings' evidence. */
  passkeys: PasskeyEvidenceSchema.optional(),
  /** Ungoverned activities the configuration allowed when the runs were exported. */
  exemptActivities: z.array(z.string().min(1)).optional(),
  runs: z.array(EvidenceRunSchema).min(1),
  /** Inclusion proofs of the runs' evidence in the evidence log (absent when exported without a log). */
  log: EvidenceLogProofsSchema.optional(),
});

/**
 * An evidence bundle: the runs' histories with the keys, policy sets and identity provider
 * keys to verify them by, and no server needed. `readBundle` checks a file against
 * `EvidenceBundleSchema`; this is that type written out.
 */
export interface EvidenceBundle {
  /** Always `writ-evidence`. */
  format: 'writ-evidence';
  /** The format's version: 1. */
  version: 1;
  /** When the bundle was exported (ISO 8601). */
  exportedAt: string;
  /** The namespace the runs ran in; artifacts bind it. */
  namespace: string;
  /** The public keys, with the period in which each signed. */
  keys: EvidenceKeySet;
  /** The policy sets the artifacts may cite. */
  policySets: PolicySetEvidence[];
  /** The identity provider that signed identity tokens and operator statements. */
  identity?: IdentityEvidence | undefined;
  /** Operators' passkeys the runs' statements were made with, and their bindings' evidence. */
  passkeys?: PasskeyEvidence | undefined;
  /** Ungoverned activities the configuration allowed when the runs were exported. */
  exemptActivities?: string[] | undefined;
  /** At least one run. */
  runs: EvidenceRun[];
  /** Inclusion proofs of the runs' evidence in the evidence log, against one checkpoint. */
  log?: EvidenceLogProofs | undefined;
}

/** The log's proofs in a bundle: one checkpoint, and each entry of the runs with its inclusion proof. */
export interface EvidenceLogProofs {
  /** The checkpoint note, verbatim. */
  checkpoint: string;
  /** Every entry of the bundle's runs. */
  entries: { index: number; entry: string; proof: string[] }[];
}
type _EvidenceBundleIsTheSchemas = Assert<SameType<EvidenceBundle, z.output<typeof EvidenceBundleSchema>>>;

/** One run of a bundle: who it is, and its history as Temporal's standard history JSON. */
export interface EvidenceRun {
  /** The run's workflow id. */
  workflowId: string;
  /** The run's id. */
  runId: string;
  /** The run's workflow type. */
  workflowType: string;
  /** `{ events: [...] }` as `temporal workflow show --output json` and the Web UI write it. */
  history: { events: Record<string, unknown>[] };
}
type _EvidenceRunIsTheSchemas = Assert<SameType<EvidenceRun, z.output<typeof EvidenceRunSchema>>>;
