import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { IDENTITY_HEADER } from '../protocol/headers';

/**
 * Adds the caller's identity token to every workflow start (plain, with details, and
 * signal-with-start). The token is only carried here; the workflow's first step
 * verifies it, so a client without this interceptor starts workflows that are denied.
 */
export function identityInterceptor(token: () => string): WorkflowClientInterceptor {
  const withIdentity = <T extends { headers: Record<string, unknown> }>(input: T): T => ({
    ...input,
    headers: { ...input.headers, [IDENTITY_HEADER]: defaultPayloadConverter.toPayload(token()) },
  });
  return {
    start: (input, next) => next(withIdentity(input)),
    startWithDetails: (input, next) => next(withIdentity(input)),
    signalWithStart: (input, next) => next(withIdentity(input)),
  };
}
