import type { WorkflowHandle } from '@temporalio/client';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { MCP_CANCEL_SIGNAL, type McpCallOutcome, type McpCancelRequest } from '../core/protocol/mcpContract';

/**
 * Relays an agent's `notifications/cancelled` to the session run: when a call's request
 * `signal` aborts (the MCP SDK aborts it on cancellation, and every open one when the
 * connection closes), the run is signalled `writ.mcp.cancel` naming the call's update id,
 * and withdraws the call unless its action is already scheduled. `settled()` waits for the
 * signals sent so far, so that a gateway closing its session withdraws its open calls
 * before it lets go of the connection.
 */
export class CallWithdrawals {
  private readonly sent = new Set<Promise<void>>();

  /** Withdraws call `callId` of `handle`'s run when `signal` aborts; returns the function that stops listening once the call has answered. */
  watch(handle: WorkflowHandle, callId: string, signal: AbortSignal): () => void {
    const withdraw = (): void => {
      const request: McpCancelRequest = { callId };
      // A run that is gone has no call left to withdraw.
      const sending = handle.signal(MCP_CANCEL_SIGNAL, request).catch(() => undefined);
      this.sent.add(sending);
      void sending.finally(() => this.sent.delete(sending));
    };
    signal.addEventListener('abort', withdraw, { once: true });
    return () => signal.removeEventListener('abort', withdraw);
  }

  /** Resolves once every withdrawal sent so far has been delivered (or has failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.sent]);
  }
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
