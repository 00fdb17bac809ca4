import { sha256Digest } from '../../../core/canonical/digest';
import type { VerifiedIdentity } from '../../../core/identity/identityVerifier';
import { VerifiedTokenCache } from '../../../core/identity/verifiedTokenCache';

const T0 = 2_000_000_000;

function identity(token: string, expiresAt: number): VerifiedIdentity {
  return { principal: 'hana', groups: ['ops'], issuer: 'writ-dev-idp', expiresAt, tokenDigest: sha256Digest(token), confirmation: { jkt: 'A'.repeat(43) }, tokenId: token };
}

describe('VerifiedTokenCache', () => {
  it('answers a remembered token within its age bound, and not from the bound on', () => {
    const cache = new VerifiedTokenCache(60, 30);
    const verified = identity('a', T0 + 3600);
    cache.remember(verified, T0);
    expect(cache.get(verified.tokenDigest, T0 + 59)).toEqual(verified);
    expect(cache.get(verified.tokenDigest, T0 + 60)).toBeUndefined();
    // An entry past its bound is dropped, not kept for later.
    expect(cache.size).toBe(0);
  });

  it('stops answering at expiry plus tolerance, the second the full verification would refuse', () => {
    const cache = new VerifiedTokenCache(300, 30);
    const verified = identity('b', T0 + 10);
    cache.remember(verified, T0);
    expect(cache.get(verified.tokenDigest, T0 + 39)).toEqual(verified);
    expect(cache.get(verified.tokenDigest, T0 + 40)).toBeUndefined();
  });

  it('does not answer when the clock has gone back before the verification', () => {
    const cache = new VerifiedTokenCache(60, 30);
    const verified = identity('c', T0 + 3600);
    cache.remember(verified, T0);
    expect(cache.get(verified.tokenDigest, T0 - 1)).toBeUndefined();
  });

  it('remembers nothing when turned off (0 s)', () => {
    const cache = new VerifiedTokenCache(0, 30);
    const verified = identity('d', T0 + 3600);
    cache.remember(verified, T0);
    expect(cache.get(verified.tokenDigest, T0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('answers only the token it was given, by digest', () => {
    const cache = new VerifiedTokenCache(60, 30);
    cache.remember(identity('e', T0 + 3600), T0);
    expect(cache.get(sha256Digest('f'), T0)).toBeUndefined();
  });

  it('holds at most its entry bound, dropping the oldest first', () => {
    const cache = new VerifiedTokenCache(60, 30, 3);
    const tokens = ['t1', 't2', 't3', 't4'].map((token) => identity(token, T0 + 3600));
    for (const verified of tokens) cache.remember(verified, T0);
    expect(cache.size).toBe(3);
    expect(cache.get(tokens[0]!.tokenDigest, T0)).toBeUndefined();
    for (const verified of tokens.slice(1)) expect(cache.get(verified.tokenDigest, T0)).toEqual(verified);
  });

  it('keeps its own copy: changing the remembered or the answered identity changes no later answer', () => {
    const cache = new VerifiedTokenCache(60, 30);
    const verified = identity('g', T0 + 3600);
    cache.remember(verified, T0);
    verified.groups.push('admins');
    const answered = cache.get(verified.tokenDigest, T0)!;
    expect(answered.groups).toEqual(['ops']);
    answered.groups.push('root');
    expect(cache.get(verified.tokenDigest, T0)!.groups).toEqual(['ops']);
  });
});
