import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { WritError } from '../../core/errors/writError';
import type { UpstreamTool } from './upstreamActions';

const WELL_FORMED_TOOL_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** Which of a gateway's tools are upstream tools, and the governed action each is. */
export interface UpstreamToolIndex {
  /** The governed action (`mcp:<server>:<tool>`) an upstream tool's name runs; undefined for any other name. */
  actionFor(toolName: string): string | undefined;
  /** The protocol error's message for a tool the gateway does not serve; names MCP_TOOL_NAME_INVALID when the name is not even well formed. */
  unknownToolMessage(toolName: string): string;
}

/**
 * Adds the upstream tools to the gateway's tool list (`tools`, by name) and indexes them.
 * An upstream tool named like a declared action is CONFIG_INVALID: one name, one action.
 */
export function upstreamToolIndex(tools: Map<string, Tool>, upstreamTools: readonly Pick<UpstreamTool, 'tool' | 'actionName'>[]): UpstreamToolIndex {
  const actions = new Map<string, string>();
  for (const { tool, actionName } of upstreamTools) {
    if (tools.has(tool.name)) throw new WritError('CONFIG_INVALID', `upstream tool ${tool.name} has the name of another tool`);
    tools.set(tool.name, tool);
    actions.set(tool.name, actionName);
  }
  return {
    actionFor: (toolName) => actions.get(toolName),
    unknownToolMessage: (toolName) =>
      WELL_FORMED_TOOL_NAME.test(toolName) ? `no such tool: ${toolName}` : `MCP_TOOL_NAME_INVALID: no such tool: ${JSON.stringify(toolName).slice(0, 200)}: a tool name is letters, digits, underscores and hyphens`,
  };
}
