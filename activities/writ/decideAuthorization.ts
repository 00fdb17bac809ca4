import { WritError } from '../../errors/writError';
import type { GovernedAction } from '../../actions/types';
import type { PolicyDecision, PolicyEngine, PolicyRequest } from '../../policy/policyEngine';
import type { AuthorizeRequest } from '../../protocol/authorizeContract';
import type { GovernanceDeps } from './governanceDeps';
import { validateInput } from './validateInput';

/** A permit, with everything the artifact will bind about it. */
export interface PermittedRequest {
  readonly action: GovernedAction;
  readonly engine: PolicyEngine;
  /** What the policy read: bound into the artifact by digest. */
  readonly policyRequest: PolicyRequest;
  readonly decision: PolicyDecision;
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
): Promise<PermittedRequest> {
  const action = deps.registry.get(request.action);
  const input = validateInput(request.action, action, request.args);
  const view = await deriveResource(request.action, () => action.resource(input as never));
  const engine = deps.policies.current();
  const policyRequest: PolicyRequest = {
    principal: { id: identity.principal, groups: identity.groups },
    action: request.action,
    resource: view.resource,
    context: (view.context ?? {}) as PolicyRequest['context'],
  };
  const decision = engine.decide(policyRequest);
  requirePermit(request.action, decision, {
    principal: identity.principal,
    policySetId: engine.policySet.id,
    policyVersion: engine.policySet.version,
    policyDigest: engine.policySet.digest,
    determiningPolicies: decision.determiningPolicies,
  });
  return { action, engine, policyRequest, decision };
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
