import { Context } from '@temporalio/activity';
import { WritError } from '../../errors/writError';
import { toApplicationFailure } from '../../errors/toApplicationFailure';
import type { AuthorizeRequest, AuthorizeResult } from '../../protocol/authorizeContract';
import { decideAuthorization } from './decideAuthorization';
import type { GovernanceDeps } from './governanceDeps';
import { mintAuthorization } from './mintAuthorization';

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
      const permitted = await decideAuthorization(deps, identity, request);
      const signer = await loadSigner(deps);
      const run = {
        namespace: info.activityNamespace,
        taskQueue: info.taskQueue,
        workflowId: info.workflowExecution.workflowId,
        runId: info.workflowExecution.runId,
        workflowType: info.workflowType,
      };
      const minted = await mintAuthorization(deps, identity, run, permitted, request, signer);
      const { engine, decision, action } = permitted;
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

/** A signer that cannot be had (missing key, key service down) is SIGNER_UNAVAILABLE. */
async function loadSigner(deps: GovernanceDeps) {
  try {
    return await deps.signer();
  } catch (error) {
    if (error instanceof WritError) throw error;
    throw new WritError('SIGNER_UNAVAILABLE', `no signing key available: ${(error as Error).name}`);
  }
}
