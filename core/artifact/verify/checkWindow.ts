import { WritError } from '../../errors/writError';
import type { ArtifactClaims } from '../claims';

/** How the window is judged: the moment, the tolerated skew and the longest lifetime. */
export interface WindowPolicy {
  readonly now: Date;
  readonly clockSkewSeconds: number;
  readonly maxLifetimeSeconds: number;
}

/**
 * Step 4: window. Valid from `nbf` to strictly before `exp`, with a small bounded skew;
 * an `iat` in the future or a lifetime longer than allowed is refused outright, so an
 * artifact cannot be minted to last.
 */
export function checkWindow(claims: ArtifactClaims, window: WindowPolicy): void {
  const now = Math.floor(window.now.getTime() / 1000);
  const skew = window.clockSkewSeconds;
  if (claims.exp - claims.iat > window.maxLifetimeSeconds || claims.nbf < claims.iat || claims.exp <= claims.nbf) {
    throw new WritError('ARTIFACT_LIFETIME_EXCESSIVE', `artifact lifetime must be at most ${window.maxLifetimeSeconds}s from iat, with iat <= nbf < exp`);
  }
  if (claims.iat > now + skew) throw new WritError('ARTIFACT_NOT_YET_VALID', 'artifact was issued in the future');
  if (claims.nbf > now + skew) throw new WritError('ARTIFACT_NOT_YET_VALID', 'artifact is not valid yet');
  if (now >= claims.exp + skew) throw new WritError('ARTIFACT_EXPIRED', 'artifact has expired');
}
