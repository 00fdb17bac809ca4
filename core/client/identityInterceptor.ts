import { defaultPayloadConverter } from '@temporalio/common';
import type { Headers, WorkflowClientInterceptor } from '@temporalio/client';
import type { ProofKey } from '../identity/proofKey';
import { createStartProof } from '../identity/startProof';
import { IDENTITY_HEADER, START_PROOF_HEADER } from '../protocol/headers';

/**
 * Adds the caller's identity token to every workflow start (plain, with details,
 * signal-with-start and update-with-start) and, given the proof key the token is bound to,
 * a fresh start proof over that start's workflow id, workflow type and the token sent. The
 * token is only carried here; the workflow's first step verifies it (and the proof), so a
 * client without this interceptor starts workflows that are denied. The token function is
 * called once per start, so the proof is over the very token that start carries.
 */
export function identityInterceptor(token: () => string, proofKey?: ProofKey): WorkflowClientInterceptor {
  const identityHeaders = async (headers: Headers, workflowId: string, workflowType: string): Promise<Headers> => {
    const identityToken = token();
    const added: Headers = { [IDENTITY_HEADER]: defaultPayloadConverter.toPayload(identityToken) };
    if (proofKey !== undefined) {
      added[START_PROOF_HEADER] = defaultPayloadConverter.toPayload(await createStartProof(proofKey, { workflowId, workflowType, identityToken }));
    }
    return { ...headers, ...added };
  };
  return {
    start: async (input, next) => next({ ...input, headers: await identityHeaders(input.headers, input.options.workflowId, input.workflowType) }),
    startWithDetails: async (input, next) => next({ ...input, headers: await identityHeaders(input.headers, input.options.workflowId, input.workflowType) }),
    signalWithStart: async (input, next) => next({ ...input, headers: await identityHeaders(input.headers, input.options.workflowId, input.workflowType) }),
    startUpdateWithStart: async (input, next) =>
      next({ ...input, workflowStartHeaders: await identityHeaders(input.workflowStartHeaders, input.workflowStartOptions.workflowId, input.workflowType) }),
  };
}
