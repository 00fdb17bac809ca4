import * as cedar from '../core/policy/cedarRuntime';
import { WritError } from '../core/errors/writError';
import { CEDAR_NAMESPACE } from '../core/policy/policyEngine';
import type { PolicySet } from '../core/policy/policySet';

/** The verified principal a gateway serves, as the authorizer will see it. */
export interface AgentPrincipal {
  /** The principal's id: the identity token's `sub`. */
  readonly principal: string;
  /** The token's groups: the principal's parents in Cedar (`principal in Writ::Group::"g"`). */
  readonly groups: readonly string[];
}

/** The tools a principal is offered under one policy set, and which set that was. */
export interface VisibleTools {
  readonly policySetId: string;
  readonly policyVersion: string;
  readonly policyDigest: string;
  /** The tools some request could be permitted for. */
  readonly tools: ReadonlySet<string>;
}

/** Anything that holds the active policy set, as `PolicySource` does (and throws while it has none). */
export interface ActivePolicySet {
  current(): { readonly policySet: PolicySet };
}

type ContextShape = { readonly type?: string; readonly attributes?: Record<string, unknown> };
type SchemaJson = Record<string, { readonly commonTypes?: Record<string, ContextShape>; readonly actions?: Record<string, { readonly appliesTo?: { readonly context?: ContextShape } }> }>;

/**
 * The tools of `tools` that `principal` could ever be permitted to call under `policySet`.
 * Each is decided by Cedar's partial evaluation with the principal and action known (the
 * principal's entity exactly as the authorizer builds it: no attributes, its groups as
 * parents) and everything a call supplies unknown: the resource (its id, type, attributes
 * and parents) and every attribute of the action's context, `approvalCount` included, so
 * a forbid that approvals lift never hides a tool. A tool is left out only when Cedar's
 * residual decision is `deny`: no permit can be satisfied, or a forbid holds, whatever the
 * unknowns turn out to be, so the authorizer, which needs an explicit error-free allow,
 * refuses every call of it. An action the schema does not declare is left out too (the
 * authorizer's request validation refuses it). A context whose shape this cannot read
 * (or that has optional attributes) keeps its tool listed: exclusion is proven, never guessed. A set Cedar cannot evaluate
 * this way is POLICY_EVALUATION_ERROR.
 */
export function visibleTools(policySet: PolicySet, principal: AgentPrincipal, tools: Iterable<string>): VisibleTools {
  const schema = cedar.schemaToJson(policySet.schemaText);
  if (schema.type === 'failure') throw new WritError('POLICY_INVALID', 'policy schema does not parse');
  const namespace = (schema.json as SchemaJson)[CEDAR_NAMESPACE] ?? {};
  const staticPolicies = Object.fromEntries(policySet.policies.map((policy) => [policy.id, policy.text]));
  const principalUid = { type: `${CEDAR_NAMESPACE}::User`, id: principal.principal };
  const entities = [{ uid: principalUid, attrs: {}, parents: principal.groups.map((group) => ({ type: `${CEDAR_NAMESPACE}::Group`, id: group })) }];
  const visible = new Set<string>();
  for (const tool of tools) {
    const declared = namespace.actions?.[tool];
    if (declared === undefined) continue;
    const attributes = contextAttributes(declared.appliesTo?.context, namespace.commonTypes ?? {});
    if (attributes === undefined) {
      visible.add(tool);
      continue;
    }
    const answer = cedar.isAuthorizedPartial({
      principal: principalUid,
      action: { type: `${CEDAR_NAMESPACE}::Action`, id: tool },
      resource: null,
      context: Object.fromEntries(attributes.map((name) => [name, { __extn: { fn: 'unknown', arg: `context.${name}` } }])),
      policies: { staticPolicies },
      entities,
    });
    if (answer.type === 'failure') {
      throw new WritError('POLICY_EVALUATION_ERROR', `what ${principal.principal} may call with ${tool} cannot be evaluated: ${answer.errors.map((e) => e.message).join('; ')}`);
    }
    if (answer.response.decision !== 'deny') visible.add(tool);
  }
  return { policySetId: policySet.id, policyVersion: policySet.version, policyDigest: policySet.digest, tools: visible };
}

/**
 * The names of a context record's attributes, through one common type; undefined when the
 * shape is anything else, or an attribute is optional: `context has x` on an unknown value
 * is true, so an optional attribute would let a `has` test look settled when it is not.
 */
function contextAttributes(shape: ContextShape | undefined, commonTypes: Record<string, ContextShape>): string[] | undefined {
  if (shape === undefined) return [];
  const record = shape.type === 'Record' ? shape : commonTypes[(shape.type ?? '').replace(`${CEDAR_NAMESPACE}::`, '')];
  if (record?.type !== 'Record') return undefined;
  const attributes = Object.entries(record.attributes ?? {});
  if (attributes.some(([, type]) => (type as { required?: unknown }).required === false)) return undefined;
  return attributes.map(([name]) => name);
}

/**
 * What a gateway offers its principal, under whatever set `policies` holds now (the same
 * directory the authorizer reads, reloaded when it changes): recomputed only when the
 * set's digest changes. While the source has no valid set it throws that WritError
 * (POLICY_UNAVAILABLE, POLICY_INVALID), and the gateway offers nothing.
 */
export class ToolVisibility {
  private cached: VisibleTools | undefined;

  constructor(
    private readonly policies: ActivePolicySet,
    private readonly principal: AgentPrincipal,
    private readonly tools: readonly string[],
  ) {}

  /** The tools offered now. */
  current(): VisibleTools {
    const { policySet } = this.policies.current();
    if (this.cached?.policyDigest !== policySet.digest) this.cached = visibleTools(policySet, this.principal, this.tools);
    return this.cached;
  }
}
