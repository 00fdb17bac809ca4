import { toApplicationFailure } from '../core/errors/toApplicationFailure';
import type { VerifiedPrincipal, VerifyIdentityRequest } from '../core/protocol/authorizeContract';
import type { GovernanceDeps } from './governanceDeps';

/**
 * Builds `writ.verifyIdentity`, the first step of every governed workflow: the token the
 * workflow was started with is verified against the identity provider's keys, and the
 * verdict (principal or denial code) is recorded in history. An executor adds the task
 * queue its authorizer serves `writ.authorize` on: the workflow cannot read configuration,
 * and read from this recorded result its choice replays the same.
 */
export function createVerifyIdentity(deps: Pick<GovernanceDeps, 'identity' | 'authorizerTaskQueue'>): (request: VerifyIdentityRequest) => Promise<VerifiedPrincipal> {
  return async function verifyIdentity(request) {
    try {
      const identity = await deps.identity.verify(request.identityToken);
      const routing = deps.authorizerTaskQueue === undefined ? {} : { authorizerTaskQueue: deps.authorizerTaskQueue };
      return { principal: identity.principal, groups: identity.groups, issuer: identity.issuer, expiresAt: identity.expiresAt, ...routing };
    } catch (error) {
      throw toApplicationFailure(error, 'IDENTITY_INVALID');
    }
  };
}
