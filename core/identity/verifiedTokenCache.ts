import type { VerifiedIdentity } from './identityVerifier';

/** Entries kept at most; the oldest is dropped first. A run presents one token for all its steps. */
export const VERIFIED_TOKEN_CACHE_ENTRIES = 1024;

interface Entry {
  readonly identity: VerifiedIdentity;
  /** Seconds since the epoch when the full verification ran. */
  readonly verifiedAt: number;
  /** The first second at which the entry may no longer answer. */
  readonly answersUntil: number;
}

/**
 * Identity tokens the verifier has fully verified recently, keyed by token digest. A run
 * presents the same token at every governed step, and verifying its signature again each
 * time was the largest single cost of `writ.authorize`.
 *
 * The cache can only skip work, never change an answer: an entry answers only while the
 * full verification would still accept the token, which is the case when
 * - the clock has not gone back past the verification (a not-before could fail again),
 * - the token is not yet expired beyond the clock tolerance (the entry ends there; after
 *   it the full path runs and says IDENTITY_EXPIRED), and
 * - at most `maxAgeSeconds` have passed, so keys the issuer withdraws stop being trusted
 *   within that bound (a JWKS file is read once per verifier anyway, and a JWKS URL is
 *   cached by jose for longer than the default bound).
 * A miss, or anything the entry cannot vouch for, falls through to the full verification.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxAgeSeconds: number,
    private readonly clockToleranceSeconds: number,
    private readonly maxEntries = VERIFIED_TOKEN_CACHE_ENTRIES,
  ) {}

  /** The identity a still-valid entry vouches for (a fresh copy), or undefined. */
  get(tokenDigest: string, nowSeconds: number): VerifiedIdentity | undefined {
    const entry = this.entries.get(tokenDigest);
    if (entry === undefined) return undefined;
    if (nowSeconds < entry.verifiedAt || nowSeconds >= entry.answersUntil) {
      this.entries.delete(tokenDigest);
      return undefined;
    }
    return copyOf(entry.identity);
  }

  /** Remembers a token the full verification accepted at `nowSeconds`. */
  remember(identity: VerifiedIdentity, nowSeconds: number): void {
    if (this.maxAgeSeconds === 0) return;
    // jose refuses once exp <= now - tolerance, so the entry must stop before that second.
    const answersUntil = Math.min(nowSeconds + this.maxAgeSeconds, identity.expiresAt + this.clockToleranceSeconds);
    if (answersUntil <= nowSeconds) return;
    this.entries.delete(identity.tokenDigest);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(identity.tokenDigest, { identity: copyOf(identity), verifiedAt: nowSeconds, answersUntil });
  }

  /** How many entries are held (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }
}

// A copy a caller cannot change the cached entry through.
function copyOf(identity: VerifiedIdentity): VerifiedIdentity {
  return { ...identity, groups: [...identity.groups], confirmation: identity.confirmation === null ? null : { ...identity.confirmation } };
}
