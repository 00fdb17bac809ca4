// Writ's workflow interceptors. They carry identity and lineage through the run and put
// each artifact on the activity it authorizes. They are a convenience, not the security
// boundary: the worker's activity interceptor verifies everything again.
import {
  ActivityFailure,
  ApplicationFailure,
  defaultPayloadConverter,
  proxyActivities,
  workflowInfo,
  type ActivityInput,
  type ContinueAsNewInput,
  type Next,
  type StartChildWorkflowExecutionInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { ARTIFACT_HEADER, IDENTITY_HEADER, LINEAGE_HEADER } from '../core/protocol/headers';
import { VERIFY_IDENTITY_ACTIVITY, type VerifiedPrincipal, type VerifyIdentityRequest } from '../core/protocol/authorizeContract';
import { runState } from './runState';
import { registerOperatorHandlers } from './operatorHandlers';
import { CONTROL_WORKFLOW_TYPE, registerKillSwitchHandler } from './control';

// Each refusal writ.verifyIdentity raises is non-retryable on its own (toApplicationFailure),
// so only an attempt whose worker was lost is tried again; the codes are not repeated as
// nonRetryableErrorTypes, which would write all of them into every run's history.
const identityCheck = proxyActivities<Record<string, (request: VerifyIdentityRequest) => Promise<VerifiedPrincipal>>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

function readHeader(headers: Record<string, unknown>, name: string): string | undefined {
  const payload = headers[name];
  if (payload === undefined) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload as never);
  return typeof value === 'string' ? value : undefined;
}

class GovernedInbound implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const state = runState();
    state.identityToken = readHeader(input.headers, IDENTITY_HEADER);
    const parent = readHeader(input.headers, LINEAGE_HEADER);
    state.lineage = { sequence: 1, previous: null, parent: parent ?? null };
    if (state.identityToken === undefined) {
      // Recorded as the workflow's failure: nothing ran without an initiator.
      throw ApplicationFailure.create({ type: 'IDENTITY_MISSING', message: 'workflow started without an identity token', nonRetryable: true });
    }
    // Operators can reach the run from its first moment (pending query, approve, revoke).
    registerOperatorHandlers();
    if (workflowInfo().workflowType === CONTROL_WORKFLOW_TYPE) registerKillSwitchHandler();
    // The identity is checked by an activity so the verdict is in history.
    try {
      state.principal = await identityCheck[VERIFY_IDENTITY_ACTIVITY]!({ identityToken: state.identityToken });
    } catch (error) {
      // Surface the denial as the workflow's own failure, typed by its code.
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type) {
        throw ApplicationFailure.create({ type: error.cause.type, message: error.cause.message, nonRetryable: true, cause: error });
      }
      throw error;
    }
    return next(input);
  }
}

class GovernedOutbound implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    const activityId = input.options.activityId;
    const artifact = activityId === undefined ? undefined : runState().pendingArtifacts.get(activityId);
    if (artifact === undefined) return next(input);
    return next({ ...input, headers: { ...input.headers, [ARTIFACT_HEADER]: defaultPayloadConverter.toPayload(artifact) } });
  }

  async startChildWorkflowExecution(input: StartChildWorkflowExecutionInput, next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>) {
    const state = runState();
    const headers = { ...input.headers };
    if (state.identityToken !== undefined) headers[IDENTITY_HEADER] = defaultPayloadConverter.toPayload(state.identityToken);
    if (state.lineage.previous !== null) headers[LINEAGE_HEADER] = defaultPayloadConverter.toPayload(state.lineage.previous);
    return next({ ...input, headers });
  }

  async continueAsNew(input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>) {
    const state = runState();
    const headers = { ...input.headers };
    if (state.identityToken !== undefined) headers[IDENTITY_HEADER] = defaultPayloadConverter.toPayload(state.identityToken);
    // The new run continues this run's chain as its parent link.
    if (state.lineage.previous !== null) headers[LINEAGE_HEADER] = defaultPayloadConverter.toPayload(state.lineage.previous);
    return next({ ...input, headers });
  }
}

/**
 * Marks every bundle that holds this module (WritPlugin checks a prebuilt bundle for it,
 * as WORKFLOW_INTERCEPTORS_MARK): a bundle without it would run governed steps with no
 * identity check and no artifacts, which the enforcement point would then refuse.
 */
export const WRIT_WORKFLOW_INTERCEPTORS = 'writ:workflow-interceptors/1';

/**
 * Writ's workflow interceptors, as Temporal loads them from an interceptor module: at start
 * they verify the initiator's identity and register the operators' query and updates; they
 * carry identity and lineage into child and continued runs, and put each artifact on the
 * activity it authorizes. `WritPlugin` adds the module to every bundle it makes; name it
 * yourself only for a bundle made without the plugin.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new GovernedInbound()],
  outbound: [new GovernedOutbound()],
});
