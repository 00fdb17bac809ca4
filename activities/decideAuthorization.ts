import { WritError } from '../core/errors/writError';
import type { GovernedAction } from '../core/actions/types';
import type { PolicyDecision, PolicyEngine, PolicyRequest } from '../core/policy/policyEngine';
import type { AuthorizeRequest } from '../core/protocol/authorizeContract';
import type { GovernanceDeps } from './governanceDeps';
import { validateInput } from './validateInput';

/** A permit, with everything the artifact will bind about it. */
export interface PermittedRequest {
  readonly kind: 'permit';
  readonly action: GovernedAction;
  readonly engine: PolicyEngine;
  /** What the policy read: bound into the artifact by digest. */
  readonly policyRequest: PolicyRequest;
  readonly decision: PolicyDecision;
  /** Approvals the policy required for this permit (0 when none were needed). */
  readonly approvalsRequired: number;
}

/** Denied only by forbids that approvals lift: the step may wait for approvers. */
export interface ApprovalNeeded {
  readonly kind: 'approval-required';
  readonly engine: PolicyEngine;
  readonly required: number;
  readonly timeoutSeconds: number;
  readonly requiredBy: readonly string[];
}

/**
 * The decision half of `writ.authorize`, for an identity already verified: validate the
 * input (strict zod), derive the resource, decide under the active policy set and
 * require an explicit, error-free permit. Every refusal throws its WritError.
 */
export async function decideAuthorization(
  deps: Pick<GovernanceDeps, 'registry' | 'policies'>,
  identity: { readonly principal: string; readonly groups: readonly string[] },
  request: Pick<AuthorizeRequest, 'action' | 'args'>,
  approvalCount = 0,
  /** The engine to decide under; the caller passes the one it already used, so one step never mixes two policy sets. */
  engine: PolicyEngine = deps.policies.current(),
): Promise<PermittedRequest | ApprovalNeeded> {
  const action = deps.registry.get(request.action);
  const input = validateInput(request.action, action, request.args);
  const view = await deriveResource(request.action, () => action.resource(input as never));
  const policyRequest: PolicyRequest = {
    principal: { id: identity.principal, groups: identity.groups },
    action: request.action,
    resource: view.resource,
    // Writ supplies the number of verified approvals; every action's context declares it.
    context: { ...(view.context ?? {}), approvalCount } as PolicyRequest['context'],
  };
  const decision = engine.decide(policyRequest);
  const needed = approvalNeeded(engine, decision);
  if (needed !== undefined) return needed;
  requirePermit(request.action, decision, {
    principal: identity.principal,
    policySetId: engine.policySet.id,
    policyVersion: engine.policySet.version,
    policyDigest: engine.policySet.digest,
    determiningPolicies: decision.determiningPolicies,
  });
  return { kind: 'permit', action, engine, policyRequest, decision, approvalsRequired: approvalCount === 0 ? 0 : requiredWithout(engine, policyRequest) };
}

/**
 * A denial is an approval request only when there were no errors and every determining
 * policy is a forbid that approvals lift (`@approvalsRequired`); the largest count and
 * the shortest timeout among them apply.
 */
function approvalNeeded(engine: PolicyEngine, decision: PolicyDecision): ApprovalNeeded | undefined {
  if (decision.allowed || decision.errors.length > 0 || decision.determiningPolicies.length === 0) return undefined;
  const rules = decision.determiningPolicies.map((id) => engine.policySet.policies.find((p) => p.id === id)?.approval);
  if (rules.some((rule) => rule === undefined)) return undefined;
  const approvals = rules as { required: number; timeoutSeconds: number }[];
  return {
    kind: 'approval-required',
    engine,
    required: Math.max(...approvals.map((r) => r.required)),
    timeoutSeconds: Math.min(...approvals.map((r) => r.timeoutSeconds)),
    requiredBy: decision.determiningPolicies,
  };
}

/** How many approvals this request needed: the same decision without any presented. */
function requiredWithout(engine: PolicyEngine, policyRequest: PolicyRequest): number {
  const without = engine.decide({ ...policyRequest, context: { ...policyRequest.context, approvalCount: 0 } });
  return approvalNeeded(engine, without)?.required ?? 0;
}

async function deriveResource<T>(action: string, derive: () => T | Promise<T>): Promise<T> {
  try {
    return await derive();
  } catch (error) {
    if (error instanceof WritError) throw error;
    throw new WritError('RESOURCE_UNAVAILABLE', `${action}: the resource could not be read: ${(error as Error).message}`);
  }
}

/**
 * Fail closed on Cedar's two quiet ways to permit: a policy that errored is skipped by
 * Cedar (a `forbid` that errors would otherwise let the request through), so any error
 * is POLICY_EVALUATION_ERROR; anything but an explicit allow is POLICY_DENIED.
 */
function requirePermit(action: string, decision: PolicyDecision, facts: Record<string, unknown>): void {
  if (decision.errors.length > 0) {
    throw new WritError('POLICY_EVALUATION_ERROR', `${action}: policy evaluation failed in ${decision.errors.map((e) => e.policyId).join(', ')}`, {
      issues: decision.errors.map((e) => ({ path: e.policyId, message: e.message })),
      facts,
    });
  }
  if (!decision.allowed) {
    const by = decision.determiningPolicies.length > 0 ? decision.determiningPolicies.join(', ') : 'no permitting policy';
    throw new WritError('POLICY_DENIED', `${action} denied by ${by}`, {
      issues: decision.determiningPolicies.map((id) => ({ path: id, message: 'determining policy' })),
      facts,
    });
  }
}
