import { WritError } from '../../core/errors/writError';

// What an upstream may call its tools: MCP's own recommended characters, without the dot,
// so a name can be neither a path, nor an expression, nor part of a Cedar string escape.
const UPSTREAM_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The separator between server and tool in a governed tool's MCP name. */
export const TOOL_NAME_SEPARATOR = '__';

/** How one upstream tool is named to the agent, to Temporal and to Cedar. */
export interface UpstreamToolNames {
  /** The MCP tool name the agent calls: `<server>__<tool>`. */
  readonly toolName: string;
  /** The governed action: activity type and Cedar action id, `mcp:<server>:<tool>`. */
  readonly actionName: string;
}

/**
 * Names an upstream server's tool for the agent (`files__read_text_file`) and for Writ
 * (`mcp:files:read_text_file`, the activity type and the Cedar action
 * `Writ::Action::"mcp:files:read_text_file"`). A tool name outside `[A-Za-z0-9_-]` (at most
 * 64) is MCP_TOOL_NAME_INVALID: whatever an upstream advertises becomes part of an
 * activity type and a policy's action id, so nothing but those characters may.
 */
export function upstreamToolNames(server: string, tool: string): UpstreamToolNames {
  requireToolName(server, tool);
  return { toolName: `${server}${TOOL_NAME_SEPARATOR}${tool}`, actionName: `mcp:${server}:${tool}` };
}

/** Refuses (MCP_TOOL_NAME_INVALID) a tool name an upstream advertises with characters outside `[A-Za-z0-9_-]`. */
export function requireToolName(server: string, tool: unknown): asserts tool is string {
  if (typeof tool !== 'string' || !UPSTREAM_TOOL_NAME.test(tool)) {
    throw new WritError('MCP_TOOL_NAME_INVALID', `upstream ${server} advertises a tool named ${JSON.stringify(tool).slice(0, 100)}: a tool name is 1 to 64 letters, digits, underscores and hyphens`, {
      facts: { server },
    });
  }
}
