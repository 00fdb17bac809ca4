import { createHash } from 'node:crypto';
import { WritError } from 'writ-governance';

/** A field of a side-effecting request, as it takes part in the request digest. */
export type RequestField = string | number | boolean | null;

/**
 * A SHA-256 fingerprint of one side-effecting request: the operation and its fields in a
 * fixed order. Stored next to the idempotency key so that a later call with the same key
 * can be told apart from a retry: same digest is a retry, another digest is a conflict.
 */
export function requestDigest(operation: string, fields: readonly RequestField[]): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, ...fields]))
    .digest('hex');
}

/**
 * Throws `IDEMPOTENCY_KEY_CONFLICT` when a key already recorded for one request arrives
 * with another. Returning the first result would report a side effect that the caller
 * did not ask for, and acting again would break exactly-once, so both are refused.
 */
export function assertSameRequest(idempotencyKey: string, recordedDigest: string, digest: string): void {
  if (recordedDigest !== digest) {
    throw new WritError(
      'IDEMPOTENCY_KEY_CONFLICT',
      `idempotency key ${idempotencyKey} was already used for a different request`,
    );
  }
}
