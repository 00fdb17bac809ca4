import { ApplicationFailure } from '@temporalio/common';
import { WritError, type WritErrorCode } from './writError';

/**
 * Turns any error thrown by Writ's machinery into a non-retryable Temporal failure whose
 * `type` is the stable code. Anything that is not a WritError becomes `fallbackCode`:
 * an unexpected failure is still a denial, never a retry into success.
 */
export function toApplicationFailure(error: unknown, fallbackCode: WritErrorCode): ApplicationFailure {
  if (error instanceof ApplicationFailure && error.nonRetryable) return error;
  const writError =
    error instanceof WritError
      ? error
      : new WritError(fallbackCode, error instanceof Error ? error.message : String(error));
  return ApplicationFailure.create({
    type: writError.code,
    message: writError.message,
    nonRetryable: true,
    // Recorded in history with the failure: every problem, and the facts of the decision.
    details: writError.issues.length > 0 || Object.keys(writError.facts).length > 0 ? [{ issues: writError.issues, ...writError.facts }] : [],
  });
}
