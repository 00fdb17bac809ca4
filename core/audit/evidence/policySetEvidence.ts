import { z } from 'zod';
import { canonicalDigest } from '../../canonical/digest';
import type { PolicySet } from '../../policy/policySet';
import type { Assert, SameType } from '../../types/sameType';

/** A policy set as the evidence carries it: everything its digest covers, and the digest. */
export const PolicySetEvidenceSchema = z.strictObject({
  id: z.string().min(1).max(128),
  version: z.string().min(1).max(128),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  schemaText: z.string(),
  policies: z.array(z.strictObject({ id: z.string().min(1), file: z.string(), text: z.string() })).min(1),
});

/**
 * A policy set in evidence: everything its digest covers, and the digest, so an auditor can
 * show the rules an artifact was decided under and prove they are those rules. (The type
 * `PolicySetEvidenceSchema` checks, written out.)
 */
export interface PolicySetEvidence {
  /** The set's id, from its `policy-set.json`. */
  id: string;
  /** The set's version, from its `policy-set.json`. */
  version: string;
  /** `sha256:<hex>` of the canonical id, version, schema and policies: the digest artifacts cite. */
  digest: string;
  /** The text of the set's `.cedarschema` file. */
  schemaText: string;
  /** Every policy: its `@id`, the file it came from and its text. */
  policies: { id: string; file: string; text: string }[];
}
type _PolicySetEvidenceIsTheSchemas = Assert<SameType<PolicySetEvidence, z.output<typeof PolicySetEvidenceSchema>>>;

/**
 * The digest an artifact cites for a policy set, recomputed from its content: the same
 * canonical document `loadPolicySet` hashes (id, version, schema and every policy by id and
 * text). The auditor recomputes it so that the policy text an evidence bundle shows is
 * provably the text the artifacts were decided under.
 */
export function policySetDigest(set: Pick<PolicySetEvidence, 'id' | 'version' | 'schemaText' | 'policies'>): string {
  return canonicalDigest({
    id: set.id,
    version: set.version,
    schema: set.schemaText,
    policies: set.policies.map(({ id, text }) => ({ id, text })),
  });
}

/** A loaded policy set as evidence. */
export function policySetEvidence(set: PolicySet): PolicySetEvidence {
  return {
    id: set.id,
    version: set.version,
    digest: set.digest,
    schemaText: set.schemaText,
    policies: set.policies.map(({ id, file, text }) => ({ id, file, text })),
  };
}
