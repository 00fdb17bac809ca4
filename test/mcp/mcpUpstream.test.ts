import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fetchRuns } from '../../core/audit/live/fetchRuns';
import { loadIdentityEvidence } from '../../core/audit/evidence/identityEvidence';
import { DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../core/identity/devIdentityProvider';
import { policySetEvidence } from '../../core/audit/evidence/policySetEvidence';
import { verifyHistories } from '../../core/audit/verifyHistories';
import { McpUpstreamConfigSchema } from '../../core/config/mcpConfig';
import { writeBoundCredentialFile } from '../../core/identity/boundCredentialFile';
import { loadPolicySet } from '../../core/policy/policySet';
import { openUpstreams, type OpenUpstreams } from '../../mcp/upstream/openUpstreams';
import { awaitPending } from '../support/awaitPending';
import { createGovernedTestEnv, type GovernedTestEnv } from '../support/governedTestEnv';
import { sharedBundle } from '../support/sharedBundle';
import { testTemporal } from '../support/testServer';

// The official MCP client, connected over stdio to the built `writ mcp`, whose upstream is
// the real @modelcontextprotocol/server-filesystem on a temporary directory; the governed
// worker holds its own MCP client to another instance of that server and makes each call.

const CLI = resolve(__dirname, '../../dist/tools/cli/main.js');
const WORKER_MODULE = resolve(__dirname, '../../dist/test/support/cliWorker.js');
const FILESYSTEM_SERVER = resolve(__dirname, '../../node_modules/.bin/mcp-server-filesystem');
const EXAMPLE_POLICIES = resolve(__dirname, '../../examples/mcp-upstream/policies');
const AGENT = { principal: 'files-agent', groups: ['agents'] };
const execFileAsync = promisify(execFile);

let env: GovernedTestEnv;
let upstreams: OpenUpstreams;
let dir: string;
let root: string;
let policiesDir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-mcp-upstream-'));
  // The files the agent works on: what the upstream may reach, and what policy speaks of.
  root = join(dir, 'files');
  for (const folder of ['public', 'notes', 'shared']) mkdirSync(join(root, folder), { recursive: true });
  writeFileSync(join(root, 'public', 'readme.txt'), 'hello from the upstream\n');
  // The example policy set, its /srv/files made this test's folder.
  policiesDir = join(dir, 'policies');
  cpSync(EXAMPLE_POLICIES, policiesDir, { recursive: true });
  for (const file of readdirSync(policiesDir)) writeFileSync(join(policiesDir, file), readFileSync(join(policiesDir, file), 'utf8').replaceAll('/srv/files', root));
  const upstream = { name: 'files', command: FILESYSTEM_SERVER, args: [root] };
  writeFileSync(join(dir, 'writ.config.json'), JSON.stringify({ mcp: { upstreams: [upstream] } }));
  upstreams = await openUpstreams([McpUpstreamConfigSchema.parse(upstream)], dir);
  env = await createGovernedTestEnv({ policiesDir, extraActions: upstreams.actions });
}, 120_000);
afterAll(async () => {
  await env?.close();
  await upstreams?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `writ mcp` in project directory `cwd` for an agent whose identity is in `identity` (variables). */
function gatewayTransport(identity: Record<string, string>, cwd = dir): StdioClientTransport {
  const { address, namespace } = testTemporal();
  return new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--module', WORKER_MODULE, '--approval-wait', '60'],
    cwd,
    env: { PATH: process.env['PATH'] ?? '', TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, WRIT_TASK_QUEUE: env.taskQueue, ...identity },
    stderr: 'pipe',
  });
}

/** An agent connected to `writ mcp` with a bound credential, and the session run's id. */
async function connectedAgent(name: string): Promise<{ client: Client; session: () => string | undefined }> {
  const credential = join(dir, `${name}.credential.json`);
  writeBoundCredentialFile(credential, await env.idp.mintBoundCredential(AGENT));
  const transport = gatewayTransport({ WRIT_MCP_CREDENTIAL: credential });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'writ-upstream-agent', version: '1.0.0' });
  await client.connect(transport);
  return { client, session: () => /session (writ-mcp-[0-9a-f-]+)/.exec(stderr)?.[1] };
}

/** `writ mcp`'s stderr once it exits, started in `cwd` with `identity`. */
async function failedStart(identity: Record<string, string>, cwd: string): Promise<string> {
  const transport = gatewayTransport(identity, cwd);
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'writ-upstream-agent', version: '1.0.0' });
  await expect(client.connect(transport)).rejects.toBeDefined();
  for (let i = 0; i < 50 && !/^writ: /m.test(stderr); i += 1) await new Promise((r) => setTimeout(r, 100));
  return stderr;
}

/** Runs `writ ...` as an operator against the test server, trusting the test's identity provider and policies. */
async function writ(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { address, namespace } = testTemporal();
  const processEnv = { PATH: process.env['PATH'] ?? '', WRIT_DATA_DIR: env.dir, WRIT_POLICIES_DIR: policiesDir, WRIT_TASK_QUEUE: env.taskQueue, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace };
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { env: processEnv, cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const text = (result: CallToolResult): string => result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;

describe('when an agent uses an upstream filesystem server through writ mcp', () => {
  let client: Client;
  let session: () => string | undefined;
  beforeAll(async () => {
    ({ client, session } = await connectedAgent('agent'));
  }, 60_000);

  it('lists each upstream tool as <server>__<tool> with its JSON Schema, closed to undeclared arguments', async () => {
    const { tools } = await client.listTools();
    const read = tools.find((tool) => tool.name === 'files__read_text_file');
    expect(read?.inputSchema).toMatchObject({ type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false });
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['files__write_file', 'files__list_allowed_directories', 'transferFunds']));
  });

  it('returns the file of a permitted read, as the upstream answered it', async () => {
    const result = await call(client, 'files__read_text_file', { path: join(root, 'public', 'readme.txt') });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe('hello from the upstream\n');
  });

  it('passes the upstream the normalised path policy saw', async () => {
    const result = await call(client, 'files__read_text_file', { path: `${root}//public/./readme.txt` });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe('hello from the upstream\n');
  });

  it('denies a write outside the folders policy permits with POLICY_DENIED, and the file system is unchanged', async () => {
    const target = join(root, 'public', 'defaced.txt');
    const result = await call(client, 'files__write_file', { path: target, content: 'defaced' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^POLICY_DENIED: Writ refused files__write_file/);
    expect(result.structuredContent).toMatchObject({ code: 'POLICY_DENIED' });
    expect(existsSync(target)).toBe(false);
  });

  it('refuses path traversal with MCP_PATH_TRAVERSAL before anything runs', async () => {
    const target = join(root, 'public', 'climbed.txt');
    const result = await call(client, 'files__write_file', { path: `${root}/notes/../public/climbed.txt`, content: 'climbed' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^MCP_PATH_TRAVERSAL: /);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a NUL byte and a relative path with MCP_PATH_INVALID', async () => {
    const nul = await call(client, 'files__write_file', { path: `${root}/notes/a.txt\u0000.png`, content: 'x' });
    expect(text(nul)).toMatch(/^MCP_PATH_INVALID: /);
    const relative = await call(client, 'files__read_text_file', { path: 'public/readme.txt' });
    expect(text(relative)).toMatch(/^MCP_PATH_INVALID: /);
    expect(readdirSync(join(root, 'notes'))).toEqual([]);
  });

  it('lists every problem of invalid arguments, undeclared ones included', async () => {
    const result = await call(client, 'files__write_file', { path: 7, sneaky: true });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^INPUT_INVALID/);
    for (const problem of ['- path:', '- content:', 'sneaky']) expect(text(result)).toContain(problem);
  });

  it('answers a tool name with injected characters as a protocol error naming MCP_TOOL_NAME_INVALID, never scheduled', async () => {
    const error = await client.callTool({ name: 'files__read_text_file;cat /etc/passwd', arguments: { path: join(root, 'public', 'readme.txt') } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((error as McpError).message).toContain('MCP_TOOL_NAME_INVALID');
  });

  it('refuses an answer over 1 MiB with MCP_RESULT_TOO_LARGE, and the session carries on', async () => {
    const big = join(root, 'public', 'big.txt');
    writeFileSync(big, 'x'.repeat(1100 * 1024));
    const result = await call(client, 'files__read_text_file', { path: big });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^MCP_RESULT_TOO_LARGE: /);
    expect(text(await call(client, 'files__read_text_file', { path: join(root, 'public', 'readme.txt') }))).toBe('hello from the upstream\n');
  }, 60_000);

  it('runs a write needing approval once a file approver approves it with writ approve, and not for anyone else', async () => {
    const target = join(root, 'shared', 'plan.md');
    const answer = call(client, 'files__write_file', { path: target, content: '# plan\n' });
    const handle = env.anonymousClient().workflow.getHandle(session()!);
    // The session run starts with the agent's first call: this may be it.
    for (let i = 0; i < 100 && !(await handle.describe().then(() => true, () => false)); i += 1) await new Promise((r) => setTimeout(r, 50));
    const pending = await awaitPending(handle);
    expect(pending).toMatchObject({ action: 'mcp:files:write_file', required: 1, initiator: AGENT.principal });
    expect(existsSync(target)).toBe(false);
    // Someone outside file-approvers cannot approve it; a file approver can, with the writ command.
    const outsider = await writ('approve', session()!, '--as', 'dave', '-g', 'ops');
    expect(outsider.stderr).toContain('writ: APPROVER_NOT_AUTHORIZED:');
    expect(existsSync(target)).toBe(false);
    const approved = await writ('approve', session()!, '--as', 'fran', '-g', 'file-approvers', '--json');
    expect(JSON.parse(approved.stdout)).toMatchObject({ accepted: true, approver: 'fran', approvals: 1, required: 1 });
    const result = await answer;
    expect(result.isError).toBeFalsy();
    expect(readFileSync(target, 'utf8')).toBe('# plan\n');
  }, 60_000);

  it('ends the session when the agent disconnects, and its history audits clean', async () => {
    const sessionWorkflowId = session()!;
    await client.close();
    const handle = env.anonymousClient().workflow.getHandle(sessionWorkflowId);
    // Every call the session run took: the reads, the denial, the refusals, the approved write.
    await expect(handle.result()).resolves.toEqual({ calls: 10 });
    const runs = await fetchRuns(env.anonymousClient(), { workflowIds: [sessionWorkflowId], related: false });
    const verdict = await verifyHistories(runs, {
      keys: env.auditKeys(),
      policySets: [policySetEvidence(loadPolicySet(policiesDir))],
      namespace: env.namespace,
      // The file approver's approval is checked against the identity provider's keys.
      identity: await loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: env.idp.jwksPath }),
      replay: { bundle: await sharedBundle() },
    });
    expect(verdict.runs.flatMap((run) => run.findings)).toEqual([]);
    expect(verdict.passed).toBe(true);
  }, 60_000);
});

describe('when an agent has no valid identity', () => {
  it('gets no server without one: writ mcp exits IDENTITY_MISSING', async () => {
    expect(await failedStart({}, dir)).toMatch(/^writ: IDENTITY_MISSING: /m);
  });

  it('gets no file with a forged token: its session run fails IDENTITY_INVALID and nothing is written', async () => {
    const transport = gatewayTransport({ WRIT_IDENTITY_TOKEN: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJmaWxlcy1hZ2VudCJ9.AAAA' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'forger', version: '1.0.0' });
    await client.connect(transport);
    const target = join(root, 'notes', 'forged.txt');
    const answer = await client.callTool({ name: 'files__write_file', arguments: { path: target, content: 'forged' } }).then(() => undefined, (e: unknown) => e);
    expect(answer).toBeInstanceOf(McpError);
    const failure = await env.anonymousClient().workflow.getHandle(/session (writ-mcp-[0-9a-f-]+)/.exec(stderr)![1]!).result().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause instanceof ApplicationFailure ? cause.type : undefined).toBe('IDENTITY_INVALID');
    expect(existsSync(target)).toBe(false);
    await client.close();
  }, 60_000);
});

describe('when an agent reaches writ mcp over Streamable HTTP', () => {
  it('reads a permitted file and is denied a write outside the permitted folders', async () => {
    const { address, namespace } = testTemporal();
    // The gateway verifies bearer tokens with the same development identity provider as the worker.
    const gateway = spawn(process.execPath, [CLI, 'mcp', '--http', '--module', WORKER_MODULE], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, WRIT_TASK_QUEUE: env.taskQueue, WRIT_DATA_DIR: env.dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const url = await new Promise<string>((found, failed) => {
        let stderr = '';
        gateway.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = / at (http:\/\/127\.0\.0\.1:\d+\/mcp) /.exec(stderr);
          if (match) found(match[1]!);
        });
        gateway.once('exit', (code) => failed(new Error(`writ mcp --http exited ${String(code)}: ${stderr}`)));
      });
      const token = await env.idp.mintToken(AGENT);
      const client = new Client({ name: 'writ-http-agent', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
      expect(text(await call(client, 'files__read_text_file', { path: join(root, 'public', 'readme.txt') }))).toBe('hello from the upstream\n');
      const target = join(root, 'http-defaced.txt');
      expect(text(await call(client, 'files__write_file', { path: target, content: 'defaced' }))).toMatch(/^POLICY_DENIED: /);
      expect(existsSync(target)).toBe(false);
      await client.close();
    } finally {
      gateway.kill('SIGTERM');
    }
  }, 60_000);
});

describe('when an upstream cannot be reached', () => {
  it('serves nothing: writ mcp exits MCP_UPSTREAM_UNAVAILABLE', async () => {
    const project = join(dir, 'unreachable');
    mkdirSync(project);
    writeFileSync(join(project, 'writ.config.json'), JSON.stringify({ mcp: { upstreams: [{ name: 'gone', command: join(project, 'no-such-server') }] } }));
    const credential = join(project, 'agent.credential.json');
    writeBoundCredentialFile(credential, await env.idp.mintBoundCredential(AGENT));
    expect(await failedStart({ WRIT_MCP_CREDENTIAL: credential }, project)).toMatch(/^writ: MCP_UPSTREAM_UNAVAILABLE: upstream gone/m);
  }, 60_000);
});
