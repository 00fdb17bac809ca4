// Writ's workflow interceptors. They carry identity and lineage through the run and put
// each artifact on the activity it authorizes. They are a convenience, not the security
// boundary: the worker's activity interceptor verifies everything again.
import {
  ActivityFailure,
  ApplicationFailure,
  defaultPayloadConverter,
  patched,
  proxyActivities,
  workflowInfo,
  type ActivityInput,
  type ContinueAsNewInput,
  type Headers,
  type Next,
  type StartChildWorkflowExecutionInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { ARTIFACT_HEADER, HANDOFF_HEADER, IDENTITY_HEADER, LINEAGE_HEADER, START_PROOF_HEADER } from '../core/protocol/headers';
import {
  HAND_OFF_ACTIVITY,
  VERIFY_IDENTITY_ACTIVITY,
  type HandOffRequest,
  type HandOffResult,
  type VerifiedPrincipal,
  type VerifyIdentityRequest,
} from '../core/protocol/authorizeContract';
import { IDENTITY_HANDOFF_PATCH, inChainTurn, runState } from './runState';
import { registerOperatorHandlers } from './operatorHandlers';
import { CONTROL_WORKFLOW_TYPE, registerKillSwitchHandler } from './control';
import { MCP_SESSION_WORKFLOW_TYPE } from '../core/protocol/mcpContract';
import { registerMcpSessionHandlers } from './mcpSession';

// Each refusal writ.verifyIdentity raises is non-retryable on its own (toApplicationFailure),
// so only an attempt whose worker was lost is tried again; the codes are not repeated as
// nonRetryableErrorTypes, which would write all of them into every run's history.
const identityCheck = proxyActivities<Record<string, (request: VerifyIdentityRequest) => Promise<VerifiedPrincipal>>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});
const identityHandOff = proxyActivities<Record<string, (request: HandOffRequest) => Promise<HandOffResult>>>({
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
    const identityToken = readHeader(input.headers, IDENTITY_HEADER);
    state.identityToken = identityToken;
    const startProof = readHeader(input.headers, START_PROOF_HEADER);
    const handoff = readHeader(input.headers, HANDOFF_HEADER);
    const parent = readHeader(input.headers, LINEAGE_HEADER) ?? null;
    state.lineage = { sequence: 1, previous: null, parent };
    if (identityToken === undefined && handoff === undefined) {
      // Recorded as the workflow's failure: nothing ran without an initiator.
      throw ApplicationFailure.create({ type: 'IDENTITY_MISSING', message: 'workflow started without an identity token', nonRetryable: true });
    }
    // Operators can reach the run from its first moment (pending query, approve, revoke).
    registerOperatorHandlers();
    if (workflowInfo().workflowType === CONTROL_WORKFLOW_TYPE) registerKillSwitchHandler();
    if (workflowInfo().workflowType === MCP_SESSION_WORKFLOW_TYPE) registerMcpSessionHandlers();
    // The identity is checked by an activity so the verdict is in history; it registers
    // the run, and later steps carry no credential.
    const request: VerifyIdentityRequest = handoff !== undefined ? { handoff, parent } : { identityToken: identityToken!, ...(startProof === undefined ? {} : { startProof }), parent };
    state.principal = await asRunFailure(() => identityCheck[VERIFY_IDENTITY_ACTIVITY]!(request));
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
    const headers = await handOffHeaders(input.headers, input.options.workflowId, 'child');
    return next({ ...input, headers });
  }

  async continueAsNew(input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>) {
    // The new run continues this run's chain as its parent link.
    const headers = await handOffHeaders(input.headers, workflowInfo().workflowId, 'continue');
    return next({ ...input, headers });
  }
}

/**
 * The start headers of a child or continued run: a hand-off of this run's identity,
 * offered in the governance store by an activity (so it is in history), and this run's
 * chain head as the new run's parent link. A run whose identity was never verified has
 * nothing to hand on and starts the run without (it is then refused at its first step).
 */
async function handOffHeaders(headers: Headers, toWorkflowId: string | undefined, kind: HandOffRequest['kind']): Promise<Headers> {
  const state = runState();
  const next: Headers = { ...headers };
  if (state.principal === undefined || toWorkflowId === undefined) return next;
  if (!patched(IDENTITY_HANDOFF_PATCH)) {
    // A run recorded before hand-offs: it started the new run with its token copied.
    if (state.identityToken !== undefined) next[IDENTITY_HEADER] = defaultPayloadConverter.toPayload(state.identityToken);
    if (state.lineage.previous !== null) next[LINEAGE_HEADER] = defaultPayloadConverter.toPayload(state.lineage.previous);
    return next;
  }
  const offered = await inChainTurn(() => asRunFailure(() => identityHandOff[HAND_OFF_ACTIVITY]!({ toWorkflowId, kind })));
  next[HANDOFF_HEADER] = defaultPayloadConverter.toPayload(offered.handoffId);
  if (offered.parent !== null) next[LINEAGE_HEADER] = defaultPayloadConverter.toPayload(offered.parent);
  return next;
}

/** Runs one of Writ's activities; its refusal becomes the run's own failure, typed by its code. */
async function asRunFailure<R>(call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type) {
      throw ApplicationFailure.create({ type: error.cause.type, message: error.cause.message, nonRetryable: true, cause: error });
    }
    throw error;
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
