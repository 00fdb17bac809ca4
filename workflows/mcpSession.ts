import { ActivityFailure, ApplicationFailure, allHandlersFinished, condition, currentUpdateInfo, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';
import { WRIT_ERROR_CODES } from '../core/errors/writError';
import { MCP_CALL_UPDATE, MCP_CANCEL_SIGNAL, MCP_END_SIGNAL, MCP_UPSTREAM_ACTION_NAME, type McpCancelRequest, type McpCallOutcome, type McpCallRequest, type McpSessionSettings, type McpSessionSummary } from '../core/protocol/mcpContract';
import type { GovernedActions } from '../core/actions/types';
import { proxyGovernedUntil } from './proxyGoverned';
import { runState } from './runState';

export const mcpCallUpdate = defineUpdate<McpCallOutcome, [McpCallRequest]>(MCP_CALL_UPDATE);
export const mcpEndSignal = defineSignal(MCP_END_SIGNAL);
export const mcpCancelSignal = defineSignal<[McpCancelRequest]>(MCP_CANCEL_SIGNAL);

// The action itself gets a minute; a call needing approval waits at most the session's
// approval wait (and never longer than the policy's own timeout).
let maxApprovalWait: number | undefined;

const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

// Per run: the workflow sandbox gives each execution its own module state.
let calls = 0;
let ended = false;
let started = false;
/** Calls the agent cancelled, by update id; kept even for a call not yet delivered, which then never starts. */
const cancelled = new Set<string>();
const CALL_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * An agent's MCP session as a governed run (`writ mcp` starts one per session, under the
 * agent's verified identity): every tool call is an update that runs one governed step
 * (authorize, enforcement, the action as an activity, receipt), so the session's history
 * is the agent's lineage and audits like any other run. A refusal is the update's answer,
 * not the session's end: the agent hears the code and carries on. A call the agent cancels
 * (`writ.mcp.cancel`) is withdrawn unless its action was already scheduled. The run ends
 * when the gateway signals the session's end and every call has answered.
 */
export async function writMcpSession(settings?: McpSessionSettings): Promise<McpSessionSummary> {
  if (settings !== undefined) maxApprovalWait = settings.approvalWaitSeconds * 1000;
  started = true;
  await condition(() => ended);
  await condition(allHandlersFinished);
  return { calls };
}

/**
 * Registers the session's handlers. Writ's workflow interceptor calls it when the run is
 * `writMcpSession`, before the identity check, so a tool call sent right after the start is
 * never refused for want of a handler; each call waits for the identity check, and a run
 * whose check fails fails its calls with it.
 */
export function registerMcpSessionHandlers(): void {
  setHandler(mcpEndSignal, () => {
    ended = true;
  });
  setHandler(mcpCancelSignal, (request) => {
    if (typeof request?.callId === 'string' && CALL_ID.test(request.callId)) cancelled.add(request.callId);
  });
  setHandler(
    mcpCallUpdate,
    async (request) => {
      const callId = currentUpdateInfo()?.id;
      const withdrawn = () => callId !== undefined && cancelled.has(callId);
      // After the identity check, once the session has applied its settings.
      await condition(() => started && runState().principal !== undefined);
      calls += 1;
      // One proxy per call, so that its steps hear of this call's withdrawal only.
      const governed = proxyGovernedUntil<GovernedActions>({ startToCloseTimeout: '60s', ...(maxApprovalWait === undefined ? {} : { maxApprovalWait }) }, withdrawn);
      try {
        return { outcome: 'result', result: await governed[request.tool]!(request.arguments as never) };
      } catch (error) {
        const refusal = writRefusal(error);
        if (refusal === undefined) throw error;
        return refusal;
      }
    },
    { validator: requireCallShape },
  );
}

/** Refuses, before anything is recorded, a call that names no tool or whose arguments are not an object. */
function requireCallShape(request: McpCallRequest): void {
  if (typeof request !== 'object' || request === null || typeof request.tool !== 'string' || !(TOOL_NAME.test(request.tool) || MCP_UPSTREAM_ACTION_NAME.test(request.tool))) {
    throw ApplicationFailure.create({ type: 'INPUT_INVALID', message: 'a tool call names a tool (letters, digits, underscores) or an upstream server\'s tool (mcp:<server>:<tool>)', nonRetryable: true });
  }
  if (typeof request.arguments !== 'object' || request.arguments === null || Array.isArray(request.arguments)) {
    throw ApplicationFailure.create({ type: 'INPUT_INVALID', message: `the arguments of ${request.tool} must be an object`, nonRetryable: true });
  }
}

/** A failure Writ raised (a denial, an invalid input, a timeout), as the call's answer; undefined for anything else. */
function writRefusal(error: unknown): McpCallOutcome | undefined {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  if (!(failure instanceof ApplicationFailure) || typeof failure.type !== 'string' || !(WRIT_ERROR_CODES as readonly string[]).includes(failure.type)) return undefined;
  const facts = (failure.details?.[0] ?? {}) as Record<string, unknown>;
  return { outcome: 'refused', code: failure.type, message: failure.message, facts: typeof facts === 'object' && facts !== null ? facts : {} };
}
