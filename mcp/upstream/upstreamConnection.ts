import { isAbsolute, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpUpstreamConfig } from '../../core/config/mcpConfig';
import { WritError } from '../../core/errors/writError';

/** One upstream MCP server, connected through the official MCP client. */
export interface UpstreamConnection {
  /** The server's name, as configured. */
  readonly name: string;
  /** Every tool the server listed when it was connected. */
  readonly tools: readonly Tool[];
  /** Calls one tool; a server that does not answer with a result is MCP_UPSTREAM_UNAVAILABLE. */
  callTool(tool: string, args: Record<string, unknown>): Promise<CallToolResult>;
  /** Closes the client (and stops a stdio server). */
  close(): Promise<void>;
}

/**
 * Connects to an upstream MCP server (a stdio command Writ starts, or a Streamable HTTP
 * URL) with the official MCP client and lists its tools, within `connectTimeoutMs`. A
 * server that cannot be started, reached or listed is MCP_UPSTREAM_UNAVAILABLE, and
 * nothing is served from it. A server found gone before a call is started (or connected)
 * again for that call; a call it was answering when it went, or answered with a protocol
 * error instead of a result, fails MCP_UPSTREAM_UNAVAILABLE and is not sent again.
 */
export async function connectUpstream(config: McpUpstreamConfig, projectRoot: string): Promise<UpstreamConnection> {
  let client = await connected(config, projectRoot);
  let lost = false;
  client.onclose = () => (lost = true);
  const tools = await within(config, 'list its tools', listAll(client)).catch(async (error: unknown) => {
    await client.close().catch(() => undefined);
    throw error;
  });
  return {
    name: config.name,
    tools,
    async callTool(tool, args) {
      if (lost) {
        client = await connected(config, projectRoot);
        lost = false;
        client.onclose = () => (lost = true);
      }
      try {
        return (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: config.callTimeoutMs })) as CallToolResult;
      } catch (error) {
        throw new WritError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${config.name} did not answer ${tool}: ${(error as Error).message}`, { facts: { server: config.name }, cause: error });
      }
    },
    close: () => client.close(),
  };
}

async function connected(config: McpUpstreamConfig, projectRoot: string): Promise<Client> {
  const client = new Client({ name: 'writ', version: '1' });
  try {
    await within(config, 'connect', client.connect(await transportFor(config, projectRoot), { timeout: config.connectTimeoutMs }));
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error instanceof WritError ? error : unavailable(config, 'connect', error);
  }
  return client;
}

/** Every page of the server's tool list. */
async function listAll(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined && tools.length < 10_000);
  return tools;
}

async function transportFor(config: McpUpstreamConfig, projectRoot: string): Promise<Transport> {
  if (config.url !== undefined) {
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    return new StreamableHTTPClientTransport(new URL(config.url));
  }
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const command = config.command!;
  // A relative command with a slash is the project's own; a bare name is looked up on PATH.
  const resolved = command.includes('/') && !isAbsolute(command) ? resolve(projectRoot, command) : command;
  // Its stderr is Writ's: the server's diagnostics land where writ mcp's and the worker's do.
  return new StdioClientTransport({ command: resolved, args: config.args, env: config.env, cwd: projectRoot, stderr: 'inherit' });
}

/** `work`, or MCP_UPSTREAM_UNAVAILABLE once `connectTimeoutMs` has passed or it fails. */
async function within<T>(config: McpUpstreamConfig, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WritError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${config.name} did not ${what} within ${config.connectTimeoutMs} ms`, { facts: { server: config.name } })), config.connectTimeoutMs);
  });
  try {
    return await Promise.race([work.catch((error: unknown) => Promise.reject(error instanceof WritError ? error : unavailable(config, what, error))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function unavailable(config: McpUpstreamConfig, what: string, error: unknown): WritError {
  return new WritError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${config.name} could not ${what}: ${(error as Error).message}`, { facts: { server: config.name }, cause: error });
}
