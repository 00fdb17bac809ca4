import type { WorkflowHandle } from '@temporalio/client';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { MCP_CANCEL_SIGNAL, type McpCallOutcome, type McpCancelRequest } from '../core/protocol/mcpContract';

/**
 * Relays an agent's `notifications/cancelled` for one call to the session run: when the
 * request's `signal` aborts (the MCP SDK aborts it on cancellation, and on a closed
 * connection), the run is signalled `writ.mcp.cancel` naming the call's update id, and
 * withdraws the call unless its action is already scheduled. Returns the function that
 * stops listening once the call has answered.
 */
export function withdrawOnAbort(handle: WorkflowHandle, callId: string, signal: AbortSignal): () => void {
  const withdraw = (): void => {
    const request: McpCancelRequest = { callId };
    // Best effort by nature: a run that is gone has no call left to withdraw.
    handle.signal(MCP_CANCEL_SIGNAL, request).catch(() => undefined);
  };
  signal.addEventListener('abort', withdraw, { once: true });
  return () => signal.removeEventListener('abort', withdraw);
}

/**
 * What became of a call the agent cancelled. MCP sends no response to a cancelled request,
 * so the outcome goes out as a log notification (`notifications/message`, logger `writ`):
 * withdrawn before it ran (CALL_CANCELLED), or, for an action that was already running,
 * how it ended; an agent that keeps state about its side effects learns of them.
 */
export async function reportCancelledCall(server: Server, tool: string, requestId: RequestId, outcome: McpCallOutcome): Promise<void> {
  const ended = outcome.outcome === 'result' ? { outcome: 'result', result: outcome.result ?? null } : { outcome: 'refused', code: outcome.code, message: outcome.message };
  await server.sendLoggingMessage({ level: 'notice', logger: 'writ', data: { cancelledRequestId: requestId, tool, ...ended } }).catch(() => undefined);
}
