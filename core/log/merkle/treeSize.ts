import { WritError } from '../../errors/writError';

// Tree sizes and indices are JavaScript numbers, exact up to 2^53 (nine quadrillion
// entries, far beyond any log Writ keeps) and checked to stay there. JavaScript's bitwise
// operators work on 32 bits, so the proof algorithms halve and test bits arithmetically.

/** Whether `n` is a tree size or index Writ can compute with exactly: a safe non-negative integer. */
export function isTreeSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Refuses a size or index that is not a safe non-negative integer, as `code`. */
export function requireTreeSize(n: number, what: string, code: 'LOG_PROOF_INVALID' | 'LOG_CHECKPOINT_MALFORMED' | 'LOG_ENTRY_NOT_FOUND' = 'LOG_PROOF_INVALID'): void {
  if (!isTreeSize(n)) throw new WritError(code, `${what} must be a non-negative integer below 2^53, got ${String(n)}`);
}

/** The lowest bit of `n`: RFC 9162's LSB. */
export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

/** `n` shifted right by one bit. */
export function half(n: number): number {
  return Math.floor(n / 2);
}

/** Whether `n` is a power of two (1, 2, 4, ...). */
export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** The largest power of two strictly below `n` (n > 1): where RFC 9162 splits a tree of n leaves. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 2 ** Math.floor(Math.log2(n - 1));
  // Math.log2 may round near a power of two; settle on the exact value.
  while (k >= n) k /= 2;
  while (k * 2 < n) k *= 2;
  return k;
}
