import { WritError } from '../../errors/writError';
import { HASH_SIZE } from './hashes';

/** Refuses anything that is not a SHA-256 hash, naming what it should have been. */
export function requireHash(value: Uint8Array, what: string): void {
  if (value.length !== HASH_SIZE) throw new WritError('LOG_PROOF_INVALID', `${what} must be ${HASH_SIZE} bytes, got ${value.length}`);
}

/** Refuses a proof holding anything but SHA-256 hashes. */
export function requireProofHashes(proof: readonly Uint8Array[]): void {
  proof.forEach((hash, i) => requireHash(hash, `proof hash ${i}`));
}

/** Whether two hashes are the same bytes. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
