import { WritError } from '../errors/writError';

/** How fresh a signed operator statement must be when it is first used. */
export interface StatementFreshnessWindow {
  /** The oldest a statement may be at its first use, in seconds (default 300). */
  readonly statementMaxAgeSeconds: number;
  /** Tolerated clock difference between the identity provider and Writ, in seconds. */
  readonly clockSkewSeconds: number;
}

/** The freshness of one first use, as the single-use registry holds it to. */
export interface StatementFreshness {
  /** The statement's `iat` (ISO 8601). */
  readonly issuedAt: string;
  /** The oldest `iat` accepted at this use (ISO 8601). */
  readonly freshSince: string;
}

/**
 * What a use of a statement issued at `issuedAtSeconds` (its `iat`) is held to at `now`.
 * A statement issued later than `now` plus the clock tolerance (or with no `iat`) is
 * STATEMENT_STALE here, whatever its use: it cannot have been fresh. Whether it is too old
 * is decided by the registry, and only at its first use: an approval verified when it
 * arrived is presented again to a later authorization, by then older than the window.
 */
export function statementFreshness(issuedAtSeconds: number, now: Date, window: StatementFreshnessWindow): StatementFreshness {
  if (!Number.isFinite(issuedAtSeconds) || issuedAtSeconds <= 0) {
    throw new WritError('STATEMENT_STALE', 'the statement carries no issue time (iat), so its freshness cannot be known');
  }
  const issuedAt = issuedAtSeconds * 1000;
  if (issuedAt > now.getTime() + window.clockSkewSeconds * 1000) {
    throw new WritError('STATEMENT_STALE', `the statement was issued at ${new Date(issuedAt).toISOString()}, after ${now.toISOString()} (beyond the ${window.clockSkewSeconds} s clock tolerance)`, {
      facts: { issuedAt: new Date(issuedAt).toISOString(), at: now.toISOString() },
    });
  }
  return { issuedAt: new Date(issuedAt).toISOString(), freshSince: new Date(now.getTime() - window.statementMaxAgeSeconds * 1000).toISOString() };
}

/**
 * Throws STATEMENT_STALE unless a statement issued at `issuedAtSeconds` was fresh when
 * first used at `usedAt`: the auditor's judgment of the first use, which the enforcing
 * side makes with the registry (statementFreshness, then the store's first-use check).
 */
export function requireFreshAt(issuedAtSeconds: number, usedAt: Date, window: StatementFreshnessWindow): void {
  const freshness = statementFreshness(issuedAtSeconds, usedAt, window);
  if (Date.parse(freshness.issuedAt) < Date.parse(freshness.freshSince)) {
    throw new WritError('STATEMENT_STALE', `the statement was issued at ${freshness.issuedAt}, more than ${window.statementMaxAgeSeconds} s before its first use at ${usedAt.toISOString()}`, {
      facts: { issuedAt: freshness.issuedAt, freshSince: freshness.freshSince },
    });
  }
}
