import type { GovernedActions } from '../../core/actions/types';
import type { McpUpstreamConfig } from '../../core/config/mcpConfig';
import { actionsOf, upstreamTools, type UpstreamTool } from './upstreamActions';
import { connectUpstream, type UpstreamConnection } from './upstreamConnection';

/** The configured upstream MCP servers, connected, and their tools as governed actions. */
export interface OpenUpstreams {
  /** Every upstream tool, in configuration order. */
  readonly tools: readonly UpstreamTool[];
  /** The same as governed actions keyed `mcp:<server>:<tool>`, for a governed worker. */
  readonly actions: GovernedActions;
  /** The governed action an agent's tool name (`<server>__<tool>`) is, if it is an upstream tool. */
  actionFor(toolName: string): string | undefined;
  /** Closes every client and stops the stdio servers. */
  close(): Promise<void>;
}

/**
 * Connects every upstream in `upstreams` (writ.config.json `mcp.upstreams`) and makes
 * their tools governed actions. All or nothing: one server that cannot be reached
 * (MCP_UPSTREAM_UNAVAILABLE) or that advertises a tool Writ refuses to name or validate
 * (MCP_TOOL_NAME_INVALID, MCP_UPSTREAM_SCHEMA_UNSUPPORTED) closes the others and fails
 * the start, so nothing is served half-governed.
 */
export async function openUpstreams(upstreams: readonly McpUpstreamConfig[], projectRoot: string): Promise<OpenUpstreams> {
  const connections: UpstreamConnection[] = [];
  const closeAll = async () => {
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
  };
  try {
    const tools: UpstreamTool[] = [];
    for (const config of upstreams) {
      const connection = await connectUpstream(config, projectRoot);
      connections.push(connection);
      tools.push(...upstreamTools(config, connection.tools, (tool, args) => connection.callTool(tool, args)));
    }
    const byToolName = new Map(tools.map((t) => [t.tool.name, t.actionName]));
    return { tools, actions: actionsOf(tools), actionFor: (toolName) => byToolName.get(toolName), close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
