import * as cedar from './cedarRuntime';
import { WritError } from '../errors/writError';
import { policiesByAction } from './actionSlices';
import type { NamedPolicy, PolicySet } from './policySet';
import { readWritSchema, requireBareGroups } from './writSchema';

/** The Cedar namespace Writ's principals, groups and actions live in. */
export const CEDAR_NAMESPACE = 'Writ';

/**
 * An attribute or context value in Cedar's JSON format: a boolean, number, string, set
 * (array), record, entity reference (`__entity`) or extension value (`__extn`, e.g. an
 * IP address or decimal). Written out here, the same type as Cedar's own, so the public API
 * does not name the WebAssembly build's module.
 */
export type CedarValueJson =
  | { __entity: { type: string; id: string } }
  | { __extn: { fn: string; arg: CedarValueJson } | { fn: string; args: CedarValueJson[] } }
  | boolean
  | number
  | string
  | CedarValueJson[]
  | { [key: string]: CedarValueJson }
  | null;

/** A Cedar entity as the policy sees it (Cedar's JSON entity format). */
export interface CedarEntity {
  /** The entity's type (namespaced, e.g. `Writ::Service`) and id. */
  readonly uid: { readonly type: string; readonly id: string };
  /** The attributes policies read, as the schema declares them. */
  readonly attrs: Record<string, CedarValueJson>;
  /** The entities this one is `in`, by type and id. */
  readonly parents: readonly { readonly type: string; readonly id: string }[];
}

/** Everything a decision reads. Its canonical digest is bound into the artifact. */
export interface PolicyRequest {
  /** The verified principal and the groups its identity carries (`principal in Group::"g"`). */
  readonly principal: { readonly id: string; readonly groups: readonly string[] };
  /** The action's name, as the schema's `Writ::Action` declares it. */
  readonly action: string;
  /** The resource the action's input touches. */
  readonly resource: CedarEntity;
  /** The context the policy may read, validated against the action's context type. */
  readonly context: Record<string, CedarValueJson>;
}

/** Cedar's answer: allowed or not, the policies that determined it, and any errors. */
export interface PolicyDecision {
  /** True only for Cedar's `allow`. */
  readonly allowed: boolean;
  /** The `@id`s of the policies that determined the decision, sorted so it always reads the same. */
  readonly determiningPolicies: readonly string[];
  /** Policies that could not be evaluated for this request; Cedar skips them. */
  readonly errors: readonly { readonly policyId: string; readonly message: string }[];
}

/**
 * Evaluates requests against one preparsed policy set. Preparsing happens once, at
 * construction, keyed by the set's digest, so a reloaded set never shares a cache
 * entry with the one it replaced; each decision then skips parsing entirely. Each
 * action is decided under the policies that can apply to it (see policiesByAction),
 * preparsed once as well: the same decision as under the whole set, at a cost that does
 * not grow with the policies written for other actions.
 */
export class PolicyEngine {
  /** The set this engine decides under. */
  readonly policySet: PolicySet;
  private readonly cacheKey: string;
  /** Preparsed policy set id by action name; an action not listed uses the whole set. */
  private readonly sliceIds = new Map<string, string>();

  /** `sliceByAction: false` decides everything under the whole set (the tests compare the two). */
  constructor(policySet: PolicySet, options: { readonly sliceByAction?: boolean } = {}) {
    this.policySet = policySet;
    this.cacheKey = policySet.digest;
    // Checked here, where decide() relies on it, so every engine holds to it: the worker's
    // (whose set loadPolicySet validated) and the auditor's (built from evidence).
    const schema = readWritSchema(policySet.schemaText);
    requireBareGroups(schema);
    const answers = [cedar.preparseSchema(this.cacheKey, policySet.schemaText), preparse(this.cacheKey, policySet.policies)];
    const slices = options.sliceByAction === false ? undefined : policiesByAction(schema, policySet.policies);
    for (const [action, policies] of slices ?? []) {
      const id = `${this.cacheKey}#${action}`;
      answers.push(preparse(id, policies));
      this.sliceIds.set(action, id);
    }
    for (const answer of answers) {
      if (answer.type === 'failure') {
        throw new WritError('POLICY_INVALID', answer.errors.map((e) => e.message).join('; '));
      }
    }
  }

  /**
   * Decides one request. The request and entities are validated against the schema; a
   * request Cedar cannot evaluate is POLICY_EVALUATION_ERROR, never a silent deny or permit.
   */
  decide(request: PolicyRequest): PolicyDecision {
    const principalUid = { type: `${CEDAR_NAMESPACE}::User`, id: request.principal.id };
    // The groups are parents of the principal and nothing more: `principal in Group::"g"`
    // reads the principal's parents, and a group has no attributes or parents to look up
    // (requireBareGroups, in the constructor, holds the schema to that). So they
    // are not listed as entities of their own: Cedar parses every entity it is given, at
    // a cost of tens of microseconds each, on every decision.
    const entities: cedar.EntityJson[] = [
      {
        uid: principalUid,
        attrs: {},
        parents: request.principal.groups.map((group) => ({ type: `${CEDAR_NAMESPACE}::Group`, id: group })),
      },
      { uid: request.resource.uid, attrs: request.resource.attrs, parents: [...request.resource.parents] },
    ];
    let answer: cedar.AuthorizationAnswer;
    try {
      answer = cedar.statefulIsAuthorized({
        principal: principalUid,
        action: { type: `${CEDAR_NAMESPACE}::Action`, id: request.action },
        resource: request.resource.uid,
        context: request.context,
        entities,
        preparsedSchemaName: this.cacheKey,
        preparsedPolicySetId: this.sliceIds.get(request.action) ?? this.cacheKey,
        validateRequest: true,
      });
    } catch (error) {
      throw new WritError('POLICY_EVALUATION_ERROR', `policy engine failed: ${(error as Error).message}`);
    }
    if (answer.type === 'failure') {
      throw new WritError('POLICY_EVALUATION_ERROR', answer.errors.map((e) => e.message).join('; '), {
        issues: answer.errors.map((e) => ({ path: 'request', message: e.message })),
      });
    }
    return {
      allowed: answer.response.decision === 'allow',
      // Cedar reports them as a set, in an order that depends on how the set was built;
      // sorted, the same decision always reads (and is signed) the same way.
      determiningPolicies: [...answer.response.diagnostics.reason].sort(),
      errors: answer.response.diagnostics.errors.map((e) => ({ policyId: e.policyId, message: e.error.message })),
    };
  }
}

function preparse(id: string, policies: readonly NamedPolicy[]): cedar.CheckParseAnswer {
  return cedar.preparsePolicySet(id, { staticPolicies: Object.fromEntries(policies.map((p) => [p.id, p.text])) });
}
