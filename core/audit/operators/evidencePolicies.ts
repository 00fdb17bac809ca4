import { isWritError } from '../../errors/writError';
import { PolicyEngine, type CedarEntity } from '../../policy/policyEngine';
import type { PolicySetEvidence } from '../evidence/policySetEvidence';

/** An operator's authority as the policy set decides it. */
export type AuthorityJudgement =
  | { readonly status: 'allowed' }
  | { readonly status: 'denied'; readonly detail: string }
  | { readonly status: 'unknown-policy-set' };

/**
 * The evidence's policy sets as Cedar engines, so an operator's authority (approving an
 * action, revoking a run, the kill switch) is decided again offline, with the rules the
 * worker decided it under. Each set's digest was recomputed from its text when the options
 * were validated; an engine is built once per set.
 */
export class EvidencePolicies {
  private readonly engines = new Map<string, PolicyEngine | Error>();

  constructor(private readonly sets: ReadonlyMap<string, PolicySetEvidence>) {}

  /** The digest of the only policy set in the evidence, when there is exactly one. */
  get only(): string | null {
    return this.sets.size === 1 ? [...this.sets.keys()][0]! : null;
  }

  /**
   * Decides `principal` (with the groups their signed statement carries) doing `action` on
   * `resource` under the set with `digest`. A set that does not evaluate, or a request it
   * cannot decide, is a denial with the reason: never an allow.
   */
  judge(digest: string, principal: string, groups: readonly string[], action: string, resource: CedarEntity): AuthorityJudgement {
    const engine = this.engine(digest);
    if (engine === null) return { status: 'unknown-policy-set' };
    if (engine instanceof Error) return { status: 'denied', detail: `the policy set does not evaluate: ${engine.message}` };
    try {
      const decision = engine.decide({ principal: { id: principal, groups }, action, resource, context: {} });
      if (decision.errors.length > 0) return { status: 'denied', detail: `evaluation errors: ${decision.errors.map((e) => `${e.policyId}: ${e.message}`).join('; ')}` };
      return decision.allowed ? { status: 'allowed' } : { status: 'denied', detail: `${action} denied for ${principal} (groups ${groups.join(', ') || 'none'})` };
    } catch (error) {
      if (!isWritError(error)) throw error;
      return { status: 'denied', detail: `${error.code}: ${error.message}` };
    }
  }

  private engine(digest: string): PolicyEngine | Error | null {
    const cached = this.engines.get(digest);
    if (cached !== undefined) return cached;
    const set = this.sets.get(digest);
    if (set === undefined) return null;
    let engine: PolicyEngine | Error;
    try {
      engine = new PolicyEngine({ id: set.id, version: set.version, digest: set.digest, schemaText: set.schemaText, policies: set.policies.map(({ id, file, text }) => ({ id, file, text })) });
    } catch (error) {
      if (!isWritError(error)) throw error;
      engine = error;
    }
    this.engines.set(digest, engine);
    return engine;
  }
}
