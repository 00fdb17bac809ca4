import { ApplicationFailure } from '@temporalio/common';
import type { WritError, WritErrorCode } from '../errors/writError';

/**
 * Why a payload was not decoded, as the Temporal failure it becomes: `type` is the
 * stable code and the failure is never retried, since the same bytes would be refused
 * again.
 *
 * The flag is pinned because Temporal's worker decodes an activity's arguments before any
 * interceptor runs and rewraps a decoding error with `nonRetryable: false` (worker.ts in
 * `@temporalio/worker` 1.24, "Failed to parse activity args"), overwriting the field; the
 * attempt would then be retried by the schedule's retry policy, which whoever scheduled
 * the activity chooses. As an accessor that ignores writes, the refusal stays final.
 */
export class PayloadRefusal extends ApplicationFailure {
  /** The refusal's stable code (also its `type`). */
  readonly code: WritErrorCode;

  constructor(error: WritError) {
    super(`payload refused: ${error.message}`, error.code, true, [{ code: error.code, issues: error.issues }]);
    this.code = error.code;
    Object.defineProperty(this, 'nonRetryable', {
      enumerable: true,
      configurable: false,
      get: () => true,
      set: () => undefined,
    });
  }
}
