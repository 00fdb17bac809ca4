import { z } from 'zod';
import type { GovernedBundle } from '../../worker/bundleGovernedWorkflows';
import { AuditError } from './auditError';
import type { OperatorEventVerifier } from './checks/checkOperatorEvents';
import type { AuditSettings } from './checks/runContext';
import type { IdentityEvidence } from './evidence/identityEvidence';
import type { PasskeyEvidence } from './evidence/passkeyEvidence';
import { PolicySetEvidenceSchema, policySetDigest, type PolicySetEvidence } from './evidence/policySetEvidence';
import { AuditKeySet } from './keys/auditKeySet';
import { defaultOperatorVerifiers } from './operators/defaultOperatorVerifiers';
import { IdentityTrust } from './operators/identityTrust';

/** Which workflow code replay runs: a workflows module path or a bundle; `false` skips replay. */
export type ReplaySource = false | { readonly workflowsPath: string } | { readonly bundle: GovernedBundle };

/** Options of `verifyHistories`. */
export interface VerifyOptions {
  /** The keys the auditor trusts, with their signing periods. */
  readonly keys: AuditKeySet;
  /** The policy sets artifacts may cite; any other digest is POLICY_SET_UNKNOWN. */
  readonly policySets: readonly PolicySetEvidence[];
  /** The namespace the runs ran in (artifacts bind it). */
  readonly namespace: string;
  /**
   * The workflow code to replay the histories against, or `false` to skip replay. There is
   * no default: the type requires it, and a JavaScript caller that leaves it out is refused
   * (AUDIT_OPTIONS_INVALID), because replay proves determinism only against the code the
   * runs ran.
   */
  readonly replay: ReplaySource;
  /** Tolerated clock difference, as at the enforcement point (default 5 s, at most 300). */
  readonly clockSkewSeconds?: number;
  /** The longest artifact lifetime accepted, as at the enforcement point (default 900 s, at most 86400). */
  readonly maxLifetimeSeconds?: number;
  /** How long after a rotation a worker may still sign with the previous key (default 5 s, its signer cache; at most 3600). */
  readonly keyRotationGraceSeconds?: number;
  /** How old an operator statement may be when its update arrives, as the workers' `statementMaxAgeSeconds` (default 300 s, 30 to 3600). */
  readonly statementMaxAgeSeconds?: number;
  /** Ungoverned activities allowed by configuration (not required to be authorized). */
  readonly exemptActivities?: readonly string[];
  /**
   * The identity provider's issuer and public keys: operator statements (approvals,
   * revocations, the kill switch) and identity tokens are verified with them. Without them
   * every operator event is OPERATOR_EVENT_UNVERIFIED.
   */
  readonly identity?: IdentityEvidence;
  /**
   * Operators' passkeys: where assertions were accepted from, the OpenID provider they
   * signed in at and each passkey's binding with its evidence. Statements made with a
   * passkey are verified with them (with the identity provider's evidence given too);
   * without them such statements are findings.
   */
  readonly passkeys?: PasskeyEvidence;
  /**
   * Verifiers of operator events by signal/update name. Writ's own (`writ.approve`,
   * `writ.revoke`, `writ.killSwitch`, audit/operators/) are registered by default; a verifier
   * given here replaces the default of its name.
   */
  readonly operatorEvents?: Readonly<Record<string, OperatorEventVerifier>>;
  /**
   * Worker threads that verify the histories' signatures ahead of the checks: `'auto'`
   * (default) uses one per core for a bundle of 256 signatures or more and none below;
   * a number uses that many (0: none, at most 16). The verdict is the same either way: a
   * signature a thread did not verify (or whose thread failed) is verified by the check.
   */
  readonly signatureThreads?: 'auto' | number;
}

/** Options after validation. */
export interface ValidatedOptions {
  readonly keys: AuditKeySet;
  readonly policySets: ReadonlyMap<string, PolicySetEvidence>;
  readonly namespace: string;
  readonly replay: ReplaySource;
  readonly settings: AuditSettings;
  readonly exemptActivities: ReadonlySet<string>;
  readonly identity: IdentityTrust | null;
  readonly operatorEvents: Readonly<Record<string, OperatorEventVerifier | undefined>>;
  readonly signatureThreads: 'auto' | number;
}

const seconds = (max: number) => z.number().int().min(0).max(max);
const OptionsSchema = z.object({
  namespace: z.string().min(1),
  clockSkewSeconds: seconds(300).default(5),
  maxLifetimeSeconds: seconds(86_400).default(900),
  keyRotationGraceSeconds: seconds(3_600).default(5),
  statementMaxAgeSeconds: z.number().int().min(30).max(3_600).default(300),
  exemptActivities: z.array(z.string().min(1)).default([]),
  signatureThreads: z.union([z.literal('auto'), z.number().int().min(0).max(16)]).default('auto'),
});

/**
 * Validates verifier options when they are given (not when first used): the key set is an
 * AuditKeySet, every policy set's digest is recomputed from its content (a set whose text
 * is not what its digest says is refused), numbers are bounded, the identity provider's key
 * set is a usable public JWKS. AUDIT_OPTIONS_INVALID or EVIDENCE_INVALID list every problem.
 */
export function validateVerifyOptions(options: VerifyOptions): ValidatedOptions {
  if (!(options.keys instanceof AuditKeySet)) throw new AuditError('AUDIT_OPTIONS_INVALID', 'keys must be an AuditKeySet (AuditKeySet.fromEvidence or fromKeyRecords)');
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new AuditError('AUDIT_OPTIONS_INVALID', `audit options are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  const policySets = new Map<string, PolicySetEvidence>();
  options.policySets.forEach((candidate, index) => {
    const set = PolicySetEvidenceSchema.safeParse(candidate);
    if (!set.success) throw new AuditError('EVIDENCE_INVALID', `policy set ${index} is malformed`, { issues: set.error.issues.map((i) => ({ path: `policySets.${index}.${i.path.join('.')}`, message: i.message })) });
    const digest = policySetDigest(set.data);
    if (digest !== set.data.digest) {
      throw new AuditError('EVIDENCE_INVALID', `policy set ${set.data.id}@${set.data.version} says digest ${set.data.digest}, but its content hashes to ${digest}`);
    }
    policySets.set(digest, set.data);
  });
  const replay = options.replay;
  if (replay === undefined) {
    // Replay proves determinism only against the code the runs ran: there is no default code to assume.
    throw new AuditError('AUDIT_OPTIONS_INVALID', 'replay needs the workflow code: give replay: { workflowsPath } or { bundle }, or replay: false');
  }
  const identity = options.identity === undefined ? null : IdentityTrust.fromEvidence(options.identity, options.passkeys);
  return {
    keys: options.keys,
    policySets,
    namespace: parsed.data.namespace,
    replay,
    settings: {
      clockSkewSeconds: parsed.data.clockSkewSeconds,
      maxLifetimeSeconds: parsed.data.maxLifetimeSeconds,
      keyRotationGraceSeconds: parsed.data.keyRotationGraceSeconds,
      statementMaxAgeSeconds: parsed.data.statementMaxAgeSeconds,
    },
    exemptActivities: new Set(parsed.data.exemptActivities),
    identity,
    operatorEvents: { ...defaultOperatorVerifiers(identity, policySets), ...options.operatorEvents },
    signatureThreads: parsed.data.signatureThreads,
  };
}
