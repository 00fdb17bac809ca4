import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { defineAction } from '../../core/actions/defineAction';
import type { GovernedAction, GovernedActions, ResourceView } from '../../core/actions/types';
import type { McpUpstreamConfig } from '../../core/config/mcpConfig';
import { WritError } from '../../core/errors/writError';
import { encodedInputBytes, MAX_INPUT_BYTES_CEILING } from '../../core/protocol/inputBounds';
import { closedInputSchema, upstreamInputSchema } from './upstreamInputSchema';
import { commonPath, isPathArgument, normalizePathArgument } from './upstreamPaths';
import { upstreamToolNames } from './upstreamToolNames';

/** The Cedar entity type of an upstream tool: `Writ::McpTool::"<server>/<tool>"`. */
export const MCP_TOOL_ENTITY = 'Writ::McpTool';

/** An upstream tool as `writ mcp` lists it, and the governed action it is. */
export interface UpstreamTool {
  /** The tool as the agent sees it: `<server>__<tool>`, the upstream's description, its input schema closed to undeclared properties. */
  readonly tool: Tool;
  /** The governed action's name, `mcp:<server>:<tool>`. */
  readonly actionName: string;
  /** The governed action: strict input, the Cedar resource, the call to the upstream. */
  readonly action: GovernedAction;
}

/** Calls one of the server's tools (an `UpstreamConnection`'s `callTool`). */
export type UpstreamCall = (tool: string, args: Record<string, unknown>) => Promise<CallToolResult>;

/**
 * The governed actions of one upstream server's tools. Each validates its arguments
 * strictly against the tool's JSON Schema; policy sees the action `mcp:<server>:<tool>` on
 * the resource `Writ::McpTool::"<server>/<tool>"` with attributes `server`, `tool`,
 * `paths` (every path argument, normalised) and `path` (the deepest path all of them are
 * at or under, '' without any); the upstream receives the normalised paths policy saw.
 * One artifact authorizes one attempt: an upstream takes no idempotency key, so a call is
 * sent at most once.
 */
export function upstreamTools(config: Pick<McpUpstreamConfig, 'name' | 'pathArguments'>, tools: readonly Tool[], call: UpstreamCall): UpstreamTool[] {
  return tools.map((advertised) => {
    const { toolName, actionName } = upstreamToolNames(config.name, advertised.name);
    const input = upstreamInputSchema(toolName, advertised.inputSchema);
    const pathArguments = Object.keys(input.shape).filter((name) => isPathArgument(name, config.pathArguments));
    const normalized = (args: Record<string, unknown>): Record<string, unknown> => {
      const out = { ...args };
      for (const name of pathArguments) if (out[name] !== undefined) out[name] = normalizePathArgument(name, out[name]);
      return out;
    };
    const action = defineAction({
      input: input as z.ZodObject,
      description: advertised.description ?? '',
      maxAttempts: 1,
      resource: (args): ResourceView => {
        const paths = pathArguments.flatMap((name) => {
          const value = normalized(args)[name];
          return value === undefined ? [] : Array.isArray(value) ? value : [value as string];
        });
        return {
          resource: { uid: { type: MCP_TOOL_ENTITY, id: `${config.name}/${advertised.name}` }, attrs: { server: config.name, tool: advertised.name, path: commonPath(paths), paths }, parents: [] },
          context: {},
        };
      },
      execute: async (args) => boundedResult(toolName, plainJson(await call(advertised.name, normalized(args)))),
    });
    const tool: Tool = { name: toolName, ...(advertised.description === undefined ? {} : { description: advertised.description }), inputSchema: closedInputSchema(advertised.inputSchema) as Tool['inputSchema'] };
    return { tool, actionName, action };
  });
}

/** The actions of `tools`, keyed by action name, as a worker serves them. */
export function actionsOf(tools: readonly UpstreamTool[]): GovernedActions {
  return Object.fromEntries(tools.map((t) => [t.actionName, t.action]));
}

/**
 * An upstream's answer travels twice through history (the action's result, then the
 * session update's), each a payload Temporal refuses over 2 MB; an answer over 1 MiB is
 * MCP_RESULT_TOO_LARGE, receipted as a failure, instead of an activity whose completion
 * the server rejects. The call itself has run by then.
 */
export const MAX_UPSTREAM_RESULT_BYTES = MAX_INPUT_BYTES_CEILING;

function boundedResult(toolName: string, result: CallToolResult): CallToolResult {
  const bytes = encodedInputBytes(result);
  if (bytes > MAX_UPSTREAM_RESULT_BYTES) {
    throw new WritError('MCP_RESULT_TOO_LARGE', `${toolName} answered ${bytes} bytes, more than the ${MAX_UPSTREAM_RESULT_BYTES} an upstream's answer may be`, { facts: { bytes, maxBytes: MAX_UPSTREAM_RESULT_BYTES } });
  }
  return result;
}

// The result is recorded in history and digested into the receipt: plain JSON only.
function plainJson(result: CallToolResult): CallToolResult {
  return JSON.parse(JSON.stringify(result)) as CallToolResult;
}
