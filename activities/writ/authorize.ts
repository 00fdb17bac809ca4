import { Context } from '@temporalio/activity';
import { canonicalDigest } from '../../canonical/digest';
import { WritError } from '../../errors/writError';
import { toApplicationFailure } from '../../errors/toApplicationFailure';
import { intentDigest } from '../../artifact/intentDigest';
import { mintArtifact } from '../../artifact/mintArtifact';
import type { PolicyDecision, PolicyRequest } from '../../policy/policyEngine';
import type { AuthorizeRequest, AuthorizeResult } from '../../protocol/authorizeContract';
import type { GovernanceDeps } from './governanceDeps';
import { validateInput } from './validateInput';

/**
 * Builds `writ.authorize`: verify the initiator's identity, validate the input, derive
 * the resource, decide under the active policy set and, on permit, mint the artifact.
 * Every refusal is a non-retryable failure whose type is its stable code.
 */
export function createAuthorize(deps: GovernanceDeps): (request: AuthorizeRequest) => Promise<AuthorizeResult> {
  return async function authorize(request) {
    try {
      const info = Context.current().info;
      if (info.workflowExecution === undefined || info.workflowType === undefined) {
        throw new WritError('AUTHORIZE_FAILED', 'authorization runs only as a step of a workflow run');
      }
      const identity = await deps.identity.verify(request.identityToken);
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
      const signer = await deps.signer();
      const minted = await mintArtifact(
        {
          principal: { id: identity.principal, groups: identity.groups, issuer: identity.issuer, tokenDigest: identity.tokenDigest },
          runtime: {
            namespace: info.activityNamespace,
            taskQueue: info.taskQueue,
            workflowId: info.workflowExecution.workflowId,
            runId: info.workflowExecution.runId,
            workflowType: info.workflowType,
            stepId: request.stepId,
            activityId: request.activityId,
            maxAttempts: action.maxAttempts,
          },
          policy: {
            setId: engine.policySet.id,
            version: engine.policySet.version,
            digest: engine.policySet.digest,
            determiningPolicies: [...decision.determiningPolicies],
          },
          intent: { action: request.action, argsDigest: intentDigest(request.action, request.args) },
          environment: { ...deps.environment, policyInputsDigest: canonicalDigest(policyRequest) },
          lineage: request.lineage,
        },
        signer,
        deps.clock(),
        deps.window.ttlSeconds,
      );
      return {
        decision: 'permit',
        artifact: minted.token,
        artifactDigest: minted.digest,
        artifactId: minted.claims.jti,
        principal: identity.principal,
        policySetId: engine.policySet.id,
        policyVersion: engine.policySet.version,
        determiningPolicies: decision.determiningPolicies,
        expiresAt: new Date(minted.claims.exp * 1000).toISOString(),
        maxAttempts: action.maxAttempts,
      };
    } catch (error) {
      throw toApplicationFailure(error, 'AUTHORIZE_FAILED');
    }
  };
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
