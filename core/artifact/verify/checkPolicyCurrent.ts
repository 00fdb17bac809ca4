import { WritError } from '../../errors/writError';
import type { ArtifactClaims } from '../claims';

/**
 * Step 6: freshness of the decision. An artifact minted under a policy set that is no
 * longer the active one is stale; the governed step re-authorizes under the current set.
 */
export function checkPolicyCurrent(claims: ArtifactClaims, activePolicyDigest: string): void {
  if (claims.writ.policy.digest !== activePolicyDigest) {
    throw new WritError('POLICY_STALE', `artifact was decided under policy ${claims.writ.policy.version}, which is no longer active`);
  }
}
