import { z } from 'zod';
import type { Assert, SameType } from '../types/sameType';

// A server's name is the first part of its tools' names (`<server>__<tool>`) and of their
// Cedar actions (`mcp:<server>:<tool>`): no underscore, so the first `__` always ends it.
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;

/** One upstream MCP server whose tools `writ mcp` serves as governed actions. */
export const McpUpstreamConfigSchema = z
  .strictObject({
    /** Names the server in its tools' names and Cedar actions: letters, digits, hyphens (at most 32). */
    name: z.string().regex(SERVER_NAME, 'a server name is letters, digits and hyphens (at most 32), starting with a letter or digit'),
    /** A stdio server: the command to start (resolved against the project directory when relative and holding a slash). */
    command: z.string().min(1).optional(),
    /** The command's arguments. */
    args: z.array(z.string()).default([]),
    /** Variables the command gets beside PATH and HOME (nothing else of Writ's environment is passed on). */
    env: z.record(z.string(), z.string()).default({}),
    /** A Streamable HTTP server instead: its URL. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** The arguments whose values are file paths (default `path`, `paths`, `source`, `destination` and any name ending in `path`/`paths`). */
    pathArguments: z.array(z.string().min(1)).optional(),
    /** How long connecting and listing the server's tools may take, in milliseconds (default 10000). */
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /**
     * How long one tool call may take, in milliseconds (default 50000, at most 55000): less
     * than the minute a session's action activity has, so a slow upstream answers
     * MCP_UPSTREAM_UNAVAILABLE rather than the activity timing out into a second attempt.
     */
    callTimeoutMs: z.number().int().min(100).max(55_000).default(50_000),
  })
  .refine((upstream) => (upstream.command === undefined) !== (upstream.url === undefined), { message: 'an upstream has either a command (stdio) or a url (Streamable HTTP)', path: ['command'] });

/** Configuration of an upstream MCP server, as validated (the type `McpUpstreamConfigSchema` checks, written out). */
export interface McpUpstreamConfig {
  /** Names the server in its tools' names (`<server>__<tool>`) and Cedar actions (`mcp:<server>:<tool>`). */
  name: string;
  /** A stdio server: the command Writ starts. */
  command?: string | undefined;
  /** The command's arguments (default none). */
  args: string[];
  /** Variables the command gets beside PATH and HOME (default none). */
  env: Record<string, string>;
  /** A Streamable HTTP server instead: its URL. */
  url?: string | undefined;
  /** The arguments whose values are file paths (default: `path`, `paths`, `source`, `destination`, names ending in `path`/`paths`). */
  pathArguments?: string[] | undefined;
  /** How long connecting and listing the tools may take, in milliseconds (default 10000). */
  connectTimeoutMs: number;
  /** How long one tool call may take, in milliseconds (default 50000, at most 55000: a session's action has a minute). */
  callTimeoutMs: number;
}
type _UpstreamIsTheSchemas = Assert<SameType<McpUpstreamConfig, z.output<typeof McpUpstreamConfigSchema>>>;

/** `writ.config.json`'s `mcp` section: the upstream MCP servers `writ mcp` governs. */
export const McpConfigSchema = z
  .strictObject({
    /** The upstream servers, each named once. */
    upstreams: z.array(McpUpstreamConfigSchema).max(32).default([]),
  })
  .refine((mcp) => new Set(mcp.upstreams.map((u) => u.name)).size === mcp.upstreams.length, { message: 'each upstream has its own name', path: ['upstreams'] });

/** The `mcp` section, as validated. */
export interface McpConfig {
  /** The upstream MCP servers (default none). */
  upstreams: McpUpstreamConfig[];
}
type _McpIsTheSchemas = Assert<SameType<McpConfig, z.output<typeof McpConfigSchema>>>;
