import { MCP_CANCEL_SIGNAL, MCP_SESSION_WORKFLOW_TYPE } from '../../protocol/mcpContract';
import type { OperatorEventVerifier } from '../checks/checkOperatorEvents';

/**
 * The events of an agent's MCP session (`writ.mcp.call`, `writ.mcp.cancel`, `writ.mcp.end`).
 * A tool call carries no signed statement: it asks the session's run, which acts for the
 * agent's verified identity, for one governed step, and that step is verified like every
 * other (authorization, artifact, receipt, lineage). A cancellation only ever takes a step
 * away. What is left to check here is that such events appear only in a session run, that
 * a call names a tool and an argument object, and that a cancellation names a call.
 */
export function mcpSessionVerifier(): OperatorEventVerifier {
  return (event, check) => {
    const at = event.at.eventId;
    if (check.record.start?.workflowType !== MCP_SESSION_WORKFLOW_TYPE) {
      check.report('OPERATOR_EVENT_UNVERIFIED', at, `${event.name} only in a ${MCP_SESSION_WORKFLOW_TYPE} run`, `a ${check.record.start?.workflowType ?? 'unknown'} run`, `${event.kind} ${event.name} has no meaning in this run`);
      return;
    }
    if (event.kind === 'signal' && event.name === MCP_CANCEL_SIGNAL) {
      const input = event.args[0];
      const cancel = input?.ok === true ? (input.value as { callId?: unknown } | null) : null;
      if (cancel === null || typeof cancel !== 'object' || typeof cancel.callId !== 'string') check.report('HISTORY_MALFORMED', at, 'a cancellation naming a call', input?.ok === false ? input.reason : 'another shape', 'the cancellation cannot be read');
      return;
    }
    if (event.kind !== 'update' || !event.name.endsWith('.call')) return;
    const input = event.args[0];
    const call = input?.ok === true ? (input.value as { tool?: unknown; arguments?: unknown } | null) : null;
    const wellFormed = call !== null && typeof call === 'object' && typeof call.tool === 'string' && typeof call.arguments === 'object' && call.arguments !== null && !Array.isArray(call.arguments);
    if (!wellFormed) check.report('HISTORY_MALFORMED', at, 'a tool call naming a tool and an argument object', input?.ok === false ? input.reason : 'another shape', 'the tool call cannot be read');
  };
}
