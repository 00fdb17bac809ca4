import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isWritError } from '../core/errors/writError';
import { sha256Digest } from '../core/canonical/digest';
import type { McpGateway } from './mcpGateway';
import type { AgentPrincipal } from './toolVisibility';

/** The path the MCP endpoint is served on. */
export const MCP_HTTP_PATH = '/mcp';

/** How the HTTP server admits agents and makes their sessions. */
export interface McpHttpServerOptions {
  /** Verifies an agent's bearer token (the configured identity provider); a refusal is a WritError. */
  readonly verifyToken: (token: string) => Promise<AgentPrincipal>;
  /** A gateway whose session runs under `identityToken`, for the principal it verified as. */
  readonly gatewayFor: (identityToken: string, principal: AgentPrincipal) => McpGateway;
  /** Loopback by default: put TLS and a real host name in front for anything else. */
  readonly host?: string;
  /** 0 (the default) for any free port. */
  readonly port?: number;
}

/** A running HTTP endpoint: where it is, and how to stop it (every session ends). */
export interface McpHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly gateway: McpGateway;
  /** The bearer token the session was opened with, by digest: every later request must carry the same. */
  readonly tokenDigest: string;
}

/**
 * `writ mcp --http`: the gateway over MCP's Streamable HTTP transport. Every request carries
 * the agent's identity token as a bearer token. A new session (an `initialize` without a
 * session id) is admitted only with a token the identity provider's keys verify, and runs as
 * its own governed session run under that token; each later request of the session must
 * carry the same token (401 without one, 403 with another), so a session id alone gets
 * nothing. A token bound to no key starts one session run: give each session a fresh one.
 */
export async function startMcpHttpServer(options: McpHttpServerOptions): Promise<McpHttpServer> {
  const sessions = new Map<string, Session>();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) refuse(response, 500, 'MCP_GATEWAY_FAILED', (error as Error).message);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== MCP_HTTP_PATH) return refuse(response, 404, 'NOT_FOUND', `the MCP endpoint is ${MCP_HTTP_PATH}`);
    const token = bearerToken(request);
    if (token === undefined) return refuse(response, 401, 'IDENTITY_MISSING', 'send the agent\'s identity token as Authorization: Bearer <token>');
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (session === undefined) return refuse(response, 404, 'SESSION_UNKNOWN', 'no such session: initialize a new one');
      if (session.tokenDigest !== sha256Digest(token)) return refuse(response, 403, 'IDENTITY_MISMATCH', 'this session belongs to another identity token');
      return session.transport.handleRequest(request, response);
    }
    let principal: AgentPrincipal;
    try {
      principal = await options.verifyToken(token);
    } catch (error) {
      if (!isWritError(error)) throw error;
      return refuse(response, 401, error.code, error.message);
    }
    const gateway = options.gatewayFor(token, principal);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, gateway, tokenDigest: sha256Digest(token) });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
      void gateway.close();
    };
    await gateway.server.connect(transport);
    await transport.handleRequest(request, response);
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${MCP_HTTP_PATH}`,
    async close() {
      for (const session of [...sessions.values()]) await session.transport.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,16384})$/.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function refuse(response: ServerResponse, status: number, code: string, message: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="writ"';
  response.writeHead(status, headers).end(JSON.stringify({ error: { code, message } }));
}
