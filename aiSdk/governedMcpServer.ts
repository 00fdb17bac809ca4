// Worker code, though nothing here touches Node: the MCP client is whatever `connect`
// returns (the AI SDK's `createMCPClient`, for one), so this module adds no dependency.
import { z } from 'zod';
import { defineAction } from '../core/actions/defineAction';
import type { GovernedAction, ResourceView } from '../core/actions/types';
import { WritError } from '../core/errors/writError';

/** The part of an MCP client a governed server uses: the AI SDK's `MCPClient` is one. */
export interface McpToolClient {
  /** One page of the server's tools (`tools/list`). */
  listTools(options?: { readonly params?: { readonly cursor?: string } }): Promise<{
    readonly tools: readonly { readonly name: string; readonly description?: string | undefined; readonly inputSchema: unknown }[];
    readonly nextCursor?: string | undefined;
  }>;
  /** Calls one tool (`tools/call`). */
  callTool(args: { readonly name: string; readonly arguments?: Record<string, unknown> }): Promise<unknown>;
  /** Ends the connection. */
  close(): Promise<void>;
}

/** One tool call of an MCP server, as its governed action receives it. */
export interface McpToolCall {
  /** The MCP server's name (the `name` a workflow's `TemporalMCPClient` is given). */
  readonly server: string;
  /** The tool the model called. */
  readonly tool: string;
  /** The model's arguments, exactly as the tool receives them. */
  readonly input: Record<string, unknown>;
}

/** How a worker serves one MCP server's tools as governed steps. */
export interface GovernedMcpServerOptions {
  /** The server's name: the `name` of the workflow's `TemporalMCPClient`, and the prefix of its activities. */
  readonly name: string;
  /** Opens a connection to the server, on the worker, for each listing and each call. */
  readonly connect: () => Promise<McpToolClient>;
  /**
   * How policy sees a call (default: resource `Writ::McpTool` with id `<server>/<tool>` and
   * attribute `server`, no context). Runs at authorization, before the call.
   */
  readonly resource?: (call: McpToolCall) => ResourceView | Promise<ResourceView>;
  /** How many attempts one authorization allows (default 1: a tool call with side effects is not repeated). */
  readonly maxAttempts?: number;
}

/** What a worker registers for one governed MCP server. */
export interface GovernedMcpServer {
  /** One governed action, `<name>-callTool`: every call of the server's tools, authorized and enforced. */
  readonly actions: Readonly<Record<string, GovernedAction<z.ZodObject, unknown>>>;
  /** One ungoverned activity, `<name>-listTools` (reading the tool list acts on nothing): declare it exempt. */
  readonly activities: Readonly<Record<string, (args?: { readonly clientArgs?: unknown }) => Promise<Record<string, McpListedTool>>>>;
}

/** A tool as `TemporalMCPClient.tools()` reads it from the listing activity. */
export interface McpListedTool {
  /** What the tool does, as the server describes it. */
  readonly description?: string;
  /** The tool's input schema, as JSON Schema. */
  readonly inputSchema: { readonly jsonSchema: unknown };
}

/** The activity `TemporalMCPClient` schedules for a call of server `name`'s tools: the governed action's name. */
export function mcpCallToolAction(name: string): string {
  return `${name}-callTool`;
}

const SERVER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Serves the tools of one MCP server to workflows that reach it through
 * `@temporalio/ai-sdk`'s `TemporalMCPClient`, each call a governed step. The server's
 * call activity, `<name>-callTool`, becomes a governed action: the worker's enforcement
 * point refuses any call without a valid artifact (`ARTIFACT_MISSING`), so a workflow that
 * uses the client's own tools instead of `governedMcpTools` reaches nothing. The listing
 * activity stays ungoverned and must be declared exempt. Give the actions and the
 * activity to the worker instead of listing the server in `AiSdkPlugin`'s
 * `mcpClientFactories` (a worker with both is refused at start, `CONFIG_INVALID`).
 */
export function governedMcpServer(options: GovernedMcpServerOptions): GovernedMcpServer {
  if (!SERVER_NAME.test(options.name)) throw new WritError('CONFIG_INVALID', `an MCP server's name is a letter, then letters, digits or underscores (got "${options.name}")`);
  const server = options.name;
  const resource = options.resource ?? defaultResource;
  const callTool = defineAction({
    description: `Call a tool of the MCP server ${server}`,
    input: z.strictObject({ name: z.string().regex(TOOL_NAME), input: z.record(z.string(), z.unknown()) }),
    resource: (call) => resource({ server, tool: call.name, input: call.input }),
    maxAttempts: options.maxAttempts ?? 1,
    execute: async (call) => withClient(options.connect, async (client) => client.callTool({ name: call.name, arguments: call.input })),
  });
  const listTools = async (args?: { readonly clientArgs?: unknown }) => {
    // The worker alone says how to reach the server; a workflow cannot point it elsewhere.
    if (args?.clientArgs !== undefined) throw new WritError('INPUT_INVALID', `${server}: a governed MCP server takes no clientArgs from workflows`);
    return withClient(options.connect, listedTools);
  };
  return { actions: { [mcpCallToolAction(server)]: callTool }, activities: { [`${server}-listTools`]: listTools } };
}

function defaultResource(call: McpToolCall): ResourceView {
  return { resource: { uid: { type: 'Writ::McpTool', id: `${call.server}/${call.tool}` }, attrs: { server: call.server }, parents: [] } };
}

async function withClient<R>(connect: () => Promise<McpToolClient>, use: (client: McpToolClient) => Promise<R>): Promise<R> {
  const client = await connect();
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** Every page of the server's tools, as `TemporalMCPClient` expects them: description and JSON Schema. */
async function listedTools(client: McpToolClient): Promise<Record<string, McpListedTool>> {
  const listed: Record<string, McpListedTool> = {};
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { params: { cursor } });
    for (const tool of page.tools) listed[tool.name] = { ...(tool.description === undefined ? {} : { description: tool.description }), inputSchema: { jsonSchema: tool.inputSchema } };
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return listed;
}
