import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { GovernedActions } from '../core/actions/types';
import { DEFAULT_APPROVAL_WAIT_SECONDS, MCP_CALL_UPDATE, MCP_END_SIGNAL, MCP_SESSION_WORKFLOW_TYPE, type McpCallOutcome, type McpCallRequest, type McpSessionSettings } from '../core/protocol/mcpContract';
import { PENDING_QUERY, type PendingApproval } from '../core/protocol/operatorContract';
import { toolResultOf } from './toolResult';
import { CallWithdrawals, reportCancelledCall } from './callCancellation';
import { watchToolList } from './toolListChanges';
import { ToolVisibility, type ActivePolicySet, type AgentPrincipal } from './toolVisibility';
import { isWritError } from '../core/errors/writError';
import type { UpstreamTool } from './upstream/upstreamActions';
import { upstreamToolIndex } from './upstream/upstreamToolIndex';

/** What a gateway serves, and where its sessions run. */
export interface McpGatewayOptions {
  /** A Writ client started under the agent's identity (its token, and proof key if bound): every session runs as that principal. */
  readonly client: Client;
  /** The task queue governed workers serve (the session workflow and its actions). */
  readonly taskQueue: string;
  /** The governed actions offered as tools (their zod input schemas become the tools' input schemas). */
  readonly actions: GovernedActions;
  /** The agent's verified principal and groups (its identity token's), whom the tools are listed for. */
  readonly principal: AgentPrincipal;
  /** The active policy set (the authorizer's directory, reloaded on change): `tools/list` offers what it can ever permit. */
  readonly policies: ActivePolicySet;
  /** Upstream MCP servers' tools, each served as its governed action (`<server>__<tool>` runs `mcp:<server>:<tool>`). */
  readonly upstreamTools?: readonly Pick<UpstreamTool, 'tool' | 'actionName'>[];
  /** The session's workflow id (default `writ-mcp-<uuid>`). */
  readonly sessionWorkflowId?: string;
  /**
   * The longest a tool call waits for approvers, in seconds (default 300), however long the
   * policy would wait: then the call answers APPROVAL_TIMEOUT and its step can no longer run.
   */
  readonly approvalWaitSeconds?: number;
  /** How often a waiting call with a progress token is told it still waits (default 1000 ms). */
  readonly progressIntervalMs?: number;
  /** Gateway name and version, as `initialize` reports them. */
  readonly serverInfo?: { readonly name: string; readonly version: string };
}

/** A gateway for one agent session: the MCP server to connect to a transport, and how to end the session. */
export interface McpGateway {
  readonly server: Server;
  /** The session's workflow id; its run starts with the first request. */
  readonly sessionWorkflowId: string;
  /** Closes the server, withdraws the calls still open and signals the session's end (its run completes once its calls have answered). */
  close(): Promise<void>;
}

/**
 * `writ mcp`'s core: an MCP server whose tools are governed actions. The agent's session is
 * a governed workflow run (`writMcpSession`) started under the agent's verified identity
 * when the agent first asks for anything; each `tools/call` is an update to it that runs
 * one governed step. A refusal is a tool result with `isError: true` naming the code and
 * the policy, which an agent can read and act on; a tool that does not exist stays a
 * protocol error (InvalidParams), as MCP asks. `tools/list` offers only the tools the
 * active policy set could ever permit the principal (see visibleTools), and a call of any
 * other is refused like a tool that does not exist.
 */
export function createMcpGateway(options: McpGatewayOptions): McpGateway {
  const { client, taskQueue, actions } = options;
  const sessionWorkflowId = options.sessionWorkflowId ?? `writ-mcp-${randomUUID()}`;
  const tools = toolsOf(actions);
  const upstream = upstreamToolIndex(tools, options.upstreamTools ?? []);
  // Policy decides on actions: an upstream tool's is `mcp:<server>:<tool>`.
  const actionOf = (toolName: string): string => upstream.actionFor(toolName) ?? toolName;
  const visibility = new ToolVisibility(options.policies, options.principal, [...tools.keys()].map(actionOf));
  const withdrawals = new CallWithdrawals();
  const server = new Server(options.serverInfo ?? { name: 'writ', version: '1' }, { capabilities: { tools: { listChanged: true }, logging: {} } });
  // A reloaded policy set may offer other tools: the agent is told to list them again.
  const stopWatching = watchToolList(visibility, () => void server.sendToolListChanged().catch(() => undefined));
  let session: Promise<WorkflowHandle> | undefined;
  const sessionHandle = (): Promise<WorkflowHandle> => {
    const settings: McpSessionSettings = { approvalWaitSeconds: options.approvalWaitSeconds ?? DEFAULT_APPROVAL_WAIT_SECONDS };
    session ??= client.workflow.start(MCP_SESSION_WORKFLOW_TYPE, { taskQueue, workflowId: sessionWorkflowId, args: [settings] });
    return session;
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const offered = offeredTools(visibility);
    return { tools: [...tools.values()].filter((tool) => offered.tools.has(actionOf(tool.name))), _meta: { 'writ/policySetId': offered.policySetId, 'writ/policyVersion': offered.policyVersion, 'writ/policyDigest': offered.policyDigest } };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name } = request.params;
    // A tool policy never permits this principal is not offered, so it is as unknown as a
    // tool that does not exist: the same protocol error, and nothing is scheduled.
    if (!tools.has(name) || !offeredTools(visibility).tools.has(actionOf(name))) throw new McpError(ErrorCode.InvalidParams, upstream.unknownToolMessage(name));
    const call: McpCallRequest = { tool: actionOf(name), arguments: request.params.arguments ?? {} };
    const handle = await sessionHandle();
    const progressToken = request.params._meta?.progressToken;
    const reporting = progressToken === undefined ? undefined : reportWaiting(handle, (progress, message) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, message } }), options.progressIntervalMs ?? 1000);
    // The update's id names the call, so that a cancellation can withdraw it.
    const callId = randomUUID();
    const stopListening = withdrawals.watch(handle, callId, extra.signal);
    try {
      if (extra.signal.aborted) throw new McpError(ErrorCode.ConnectionClosed, 'the call was cancelled');
      const outcome = await handle.executeUpdate<McpCallOutcome, [McpCallRequest]>(MCP_CALL_UPDATE, { args: [call], updateId: callId });
      if (extra.signal.aborted) await reportCancelledCall(server, name, extra.requestId, outcome);
      // An upstream tool's result is the upstream's own answer, passed on as it gave it.
      return upstream.actionFor(name) !== undefined && outcome.outcome === 'result' ? (outcome.result as CallToolResult) : toolResultOf(name, outcome);
    } finally {
      stopListening();
      if (reporting !== undefined) clearInterval(reporting);
    }
  });

  return {
    server,
    sessionWorkflowId,
    async close() {
      stopWatching();
      // Closing the server aborts the calls still open, which withdraws them from the run.
      await server.close();
      await withdrawals.settled();
      if (session !== undefined) {
        const handle = await session.catch(() => undefined);
        await handle?.signal(MCP_END_SIGNAL).catch(() => undefined);
      }
    },
  };
}

/** The tools offered now; a policy set that cannot be had is a protocol error carrying its code (nothing is offered or scheduled). */
function offeredTools(visibility: ToolVisibility): ReturnType<ToolVisibility['current']> {
  try {
    return visibility.current();
  } catch (error) {
    if (!isWritError(error)) throw error;
    throw new McpError(ErrorCode.InternalError, `${error.code}: ${error.message}`, { code: error.code });
  }
}

/**
 * While a call runs, tells the agent every `intervalMs` that it still waits, and for what:
 * the session's `writ.pending` query names the approvals a step awaits.
 */
function reportWaiting(handle: WorkflowHandle, notify: (progress: number, message: string) => Promise<void>, intervalMs: number): NodeJS.Timeout {
  let progress = 0;
  return setInterval(() => {
    progress += 1;
    const beat = progress;
    handle
      .query<PendingApproval | null>(PENDING_QUERY)
      .then((pending) => notify(beat, pending === null ? 'running' : `waiting for ${pending.required - pending.approvers.length} more approval(s) of ${pending.action} (${pending.requiredBy.join(', ')}) until ${pending.expiresAt}`))
      .catch(() => undefined);
  }, intervalMs);
}

/** Each governed action as an MCP tool: its name, its description, its input schema as JSON Schema. */
function toolsOf(actions: GovernedActions): Map<string, Tool> {
  const tools = new Map<string, Tool>();
  for (const [name, action] of Object.entries(actions)) {
    const inputSchema = z.toJSONSchema(action.input, { io: 'input' }) as Tool['inputSchema'];
    tools.set(name, { name, description: action.description, inputSchema: { ...inputSchema, type: 'object' } });
  }
  return tools;
}
