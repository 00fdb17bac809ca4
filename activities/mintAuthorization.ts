import { canonicalDigest } from '../core/canonical/digest';
import { intentDigest } from '../core/artifact/intentDigest';
import { mintArtifact, type ArtifactContent, type MintedArtifact, type Signer } from '../core/artifact/mintArtifact';
import type { ArtifactClaims } from '../core/artifact/claims';
import type { AuthorizeRequest } from '../core/protocol/authorizeContract';
import type { PermittedRequest } from './decideAuthorization';
import type { GovernanceDeps } from './governanceDeps';

/** The workflow run the authorization is for, from the authorize activity's own info. */
export type AuthorizingRun = Pick<ArtifactClaims['writ']['runtime'], 'namespace' | 'taskQueue' | 'workflowId' | 'runId' | 'workflowType'>;

/**
 * The minting half of `writ.authorize`: binds the verified principal, the run and the
 * activity the action will have, the policy scope, the digest of the exact arguments,
 * the environment (with the digest of everything the policy read) and the lineage link
 * into an artifact signed by `signer`, valid for the configured window.
 */
export async function mintAuthorization(
  deps: Pick<GovernanceDeps, 'environment' | 'clock' | 'window'>,
  identity: { readonly principal: string; readonly groups: readonly string[]; readonly issuer: string; readonly tokenDigest: string },
  run: AuthorizingRun,
  permitted: PermittedRequest,
  request: Pick<AuthorizeRequest, 'action' | 'args' | 'stepId' | 'activityId' | 'lineage'>,
  signer: Signer,
  approval?: ArtifactContent['approval'],
): Promise<MintedArtifact> {
  const { engine, decision, policyRequest, action } = permitted;
  return mintArtifact(
    {
      principal: { id: identity.principal, groups: [...identity.groups], issuer: identity.issuer, tokenDigest: identity.tokenDigest },
      runtime: { ...run, stepId: request.stepId, activityId: request.activityId, maxAttempts: action.maxAttempts },
      policy: {
        setId: engine.policySet.id,
        version: engine.policySet.version,
        digest: engine.policySet.digest,
        determiningPolicies: [...decision.determiningPolicies],
      },
      intent: { action: request.action, argsDigest: intentDigest(request.action, request.args) },
      environment: { ...deps.environment, policyInputsDigest: canonicalDigest(policyRequest) },
      lineage: request.lineage,
      ...(approval === undefined ? {} : { approval }),
    },
    signer,
    deps.clock(),
    deps.window.ttlSeconds,
  );
}
