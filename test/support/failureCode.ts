import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

/**
 * The stable code a run, an update, or an activity inside either failed with (the
 * ApplicationFailure type). Anything that is not such a failure fails the test, saying
 * what it was instead.
 */
export async function failureCode(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof WorkflowFailedError || error instanceof WorkflowUpdateFailedError)) throw new Error(`expected a failure, got ${String(error)}`);
  let cause: unknown = error.cause;
  if (cause instanceof ActivityFailure) cause = cause.cause;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}
