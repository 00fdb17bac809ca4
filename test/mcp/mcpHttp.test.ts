import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AGENT, createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { testTemporal } from '../support/testServer';
import { EXAMPLE_POLICIES } from '../support/writMcpStdio';

// The official MCP client over Streamable HTTP to the built `writ mcp --http` (its own
// process), each session opened with the agent's bearer token.

const CLI = resolve(__dirname, '../../dist/tools/cli/main.js');
const WORKER_MODULE = resolve(__dirname, '../../dist/test/support/cliWorker.js');

let env: GovernedTestEnv;
let dir: string;
let gateway: ChildProcess;
let url: string;
beforeAll(async () => {
  env = await createGovernedTestEnv();
  dir = mkdtempSync(join(tmpdir(), 'writ-mcp-http-'));
  const { address, namespace } = testTemporal();
  // The gateway trusts the same development identity provider as the worker, and reads its policy set.
  gateway = spawn(process.execPath, [CLI, 'mcp', '--http', '--module', WORKER_MODULE], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, WRIT_TASK_QUEUE: env.taskQueue, WRIT_DATA_DIR: env.dir, WRIT_POLICIES_DIR: EXAMPLE_POLICIES },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  url = await new Promise<string>((found, failed) => {
    let stderr = '';
    gateway.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = / at (http:\/\/127\.0\.0\.1:\d+\/mcp) /.exec(stderr);
      if (match) found(match[1]!);
    });
    gateway.once('exit', (code) => failed(new Error(`writ mcp --http exited ${String(code)}: ${stderr}`)));
  });
}, 120_000);
afterAll(async () => {
  gateway?.kill('SIGTERM');
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const token = () => env.idp.mintToken({ principal: TREASURER.principal, groups: TREASURER.groups });

async function connectedAgent(identityToken: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${identityToken}` } } });
  const client = new Client({ name: 'writ-http-agent', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** A raw MCP request, as any HTTP client would send it. */
function post(body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
}
const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

describe('when an agent opens a session with a valid bearer token', () => {
  it('lists the governed tools and runs a permitted call as a governed step', async () => {
    const { client, transport } = await connectedAgent(await token());
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('transferFunds');
    const before = env.stores.ledger.listTransfers().length;
    const result = (await client.callTool({ name: 'transferFunds', arguments: { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 125 } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(env.stores.ledger.listTransfers()).toHaveLength(before + 1);
    await transport.terminateSession();
    await client.close();
  });
});

describe('when agents of different principals open sessions', () => {
  it('lists for each the tools policy can permit the principal its token proves', async () => {
    const treasurer = await connectedAgent(await token());
    const agent = await connectedAgent(await env.idp.mintToken({ principal: AGENT.principal, groups: AGENT.groups }));
    expect((await treasurer.client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['applyInfraChange', 'transferFunds']);
    expect((await agent.client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['agentIssueRefund', 'agentSearchDocs', 'agentSendEmail', 'agentWriteNote']);
    for (const { client, transport } of [treasurer, agent]) {
      await transport.terminateSession();
      await client.close();
    }
  });
});

describe('when an agent comes without a valid token', () => {
  it('gets 401 and no session without one', async () => {
    const response = await post(INITIALIZE, {});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expect(response.json()).resolves.toMatchObject({ error: { code: 'IDENTITY_MISSING' } });
  });

  it('gets 401 with a token the identity provider did not sign', async () => {
    const genuine = await token();
    const [header, payload] = genuine.split('.');
    const response = await post(INITIALIZE, { authorization: `Bearer ${header}.${payload}.${'A'.repeat(86)}` });
    expect(response.status).toBe(401);
    await expect(response.json()).resolves.toMatchObject({ error: { code: 'IDENTITY_INVALID' } });
  });

  it('gets 403 presenting another agent\'s session id with its own token', async () => {
    const { client, transport } = await connectedAgent(await token());
    const response = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { authorization: `Bearer ${await token()}`, 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-06-18' });
    expect(response.status).toBe(403);
    await expect(response.json()).resolves.toMatchObject({ error: { code: 'IDENTITY_MISMATCH' } });
    await transport.terminateSession();
    await client.close();
  });
});
