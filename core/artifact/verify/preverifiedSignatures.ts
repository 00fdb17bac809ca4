import type { KeyObject } from 'node:crypto';

/**
 * Ed25519 signatures already found valid, by the exact key object and the exact compact
 * JWS (whose first two parts are the signing input and whose third is the signature): an
 * auditor verifies a bundle's signatures on worker threads first, then runs its checks in
 * order on one thread, which take a verdict from here instead of verifying again.
 *
 * Only a signature that verified is recorded, keyed by everything the verification reads
 * (the key, the signed bytes and the signature are all in the key and the token), so a
 * lookup can only answer what `crypto.verify` itself would: a token or key that differs in
 * one bit is not found and is verified in full. Nothing negative is recorded: a missing
 * entry (never sent, refused, or a thread that failed) means "verify it here", never
 * "invalid" and never "valid". One instance lives for one audit and is dropped after it.
 */
export class PreverifiedSignatures {
  readonly #valid = new Map<KeyObject, Set<string>>();

  /** Records that `token`'s signature verified with `key`. */
  record(key: KeyObject, token: string): void {
    let tokens = this.#valid.get(key);
    if (tokens === undefined) {
      tokens = new Set();
      this.#valid.set(key, tokens);
    }
    tokens.add(token);
  }

  /** True only when `token`'s signature verified with this very key object. */
  holds(key: KeyObject, token: string): boolean {
    return this.#valid.get(key)?.has(token) === true;
  }

  /** How many signatures are recorded. */
  get size(): number {
    let total = 0;
    for (const tokens of this.#valid.values()) total += tokens.size;
    return total;
  }
}
