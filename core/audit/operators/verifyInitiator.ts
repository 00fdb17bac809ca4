import { isWritError } from '../../errors/writError';
import { AUTHORIZE_ACTIVITY, VERIFY_IDENTITY_ACTIVITY } from '../../protocol/authorizeContract';
import type { OperatorEventCheck } from '../checks/checkOperatorEvents';
import type { IdentityTrust } from './identityTrust';

/**
 * Establishes who initiated the run, which separation of duties rests on: the identity
 * token in the run's start header, verified with the identity provider's keys as it was when
 * the run started (IDENTITY_UNVERIFIED if it does not verify and the run acted on it; a run
 * whose identity check refused it did nothing, which is noted), and every verified artifact
 * naming that principal, groups and issuer (ARTIFACT_BINDING_MISMATCH otherwise: the
 * artifacts bind the token by digest, this binds what the token says). Returns the
 * principal, or null when the run carries no token or the evidence names no identity
 * audience (then the artifacts' signed subject stands in for it).
 */
export async function verifyInitiator(check: OperatorEventCheck, identity: IdentityTrust): Promise<string | null> {
  const start = check.record.start;
  const token = start?.identityToken;
  if (start === null || token === null || token === undefined || !token.ok) return null;
  if (identity.identityAudience === null) {
    check.note('the evidence names no identity token audience: the run\'s identity token was bound by digest, not re-verified');
    return null;
  }
  if (start.at.time === null) return null; // the shape check reports the missing time
  let principal: string;
  let groups: readonly string[];
  try {
    ({ principal, groups } = await identity.verifyIdentityToken(token.value, start.at.time));
  } catch (error) {
    if (!isWritError(error)) throw error;
    if (!actedOnIdentity(check)) {
      check.note(`event ${start.at.eventId}: the run's identity token does not verify (${error.code}); the run acted on it in nothing (no identity check or authorization completed)`);
      return null;
    }
    check.report('IDENTITY_UNVERIFIED', start.at.eventId, `an identity token signed by ${identity.issuer} for audience ${identity.identityAudience}, valid at ${start.at.time.toISOString()}`, `${error.code}: ${error.message}`, "the run's identity token does not verify with the identity provider's keys");
    return null;
  }
  for (const step of check.steps) {
    const claims = step.claims;
    if (claims === null || step.authorization.end.status === 'pending') continue;
    const named = claims.writ.principal;
    const pairs: [string, string, string][] = [
      ['sub', principal, claims.sub],
      ['principal.id', principal, named.id],
      ['principal.issuer', identity.issuer, named.issuer],
      ['principal.groups', JSON.stringify([...groups]), JSON.stringify(named.groups)],
    ];
    const wrong = pairs.find(([, expected, found]) => expected !== found);
    if (wrong !== undefined) {
      const [field, expected, found] = wrong;
      check.report('ARTIFACT_BINDING_MISMATCH', step.authorization.end.at.eventId, `${field} ${expected} (from the verified identity token)`, `${field} ${found}`, `artifact ${claims.jti} names another principal than the run's verified identity token`);
    }
  }
  return principal;
}

/** True when the run's identity check or an authorization completed: the run acted on its identity. */
function actedOnIdentity(check: OperatorEventCheck): boolean {
  return check.record.activities.some((activity) => (activity.activityType === VERIFY_IDENTITY_ACTIVITY || activity.activityType === AUTHORIZE_ACTIVITY) && activity.end.status === 'completed');
}
