import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fetchRuns } from '../../core/audit/live/fetchRuns';
import { policySetEvidence } from '../../core/audit/evidence/policySetEvidence';
import { verifyHistories } from '../../core/audit/verifyHistories';
import { loadPolicySet } from '../../core/policy/policySet';
import { PolicySource } from '../../core/policy/policySource';
import { MCP_SESSION_WORKFLOW_TYPE } from '../../core/protocol/mcpContract';
import { APPROVE_UPDATE } from '../../core/protocol/operatorContract';
import { awaitPending } from '../support/awaitPending';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { approvalBy } from '../support/operatorStatements';
import { sharedBundle } from '../support/sharedBundle';
import { agentCredential as agentCredentialFile, EXAMPLE_POLICIES, writMcpTransport } from '../support/writMcpStdio';

// The official MCP client, connected over stdio to `writ mcp` (the built CLI, its own
// process) as an agent would be; a governed worker serves the session's run and its actions.

let env: GovernedTestEnv;
let dir: string;
/** The policy source the worker's authorizer decides under. */
let authorizerPolicies: PolicySource;
beforeAll(async () => {
  authorizerPolicies = PolicySource.load(EXAMPLE_POLICIES);
  env = await createGovernedTestEnv({ policies: authorizerPolicies });
  dir = mkdtempSync(join(tmpdir(), 'writ-mcp-'));
}, 120_000);
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `writ mcp` for an agent whose identity is `credential` (a file path) or none, in the test's project directory. */
function gatewayTransport(credential: string | undefined, ...options: string[]): StdioClientTransport {
  return writMcpTransport(env, dir, { ...(credential === undefined ? {} : { credential }), options });
}

/** The treasurer's bound credential, as `writ token --bind` writes it. */
function agentCredential(name: string): Promise<string> {
  return agentCredentialFile(env, dir, name);
}

const text = (result: CallToolResult): string => result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');

describe('when an agent connects to writ mcp over stdio', () => {
  let client: Client;
  let sessionWorkflowId: string | undefined;
  beforeAll(async () => {
    client = new Client({ name: 'writ-test-agent', version: '1.0.0' });
    const transport = gatewayTransport(await agentCredential('agent'));
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await client.connect(transport);
    // The gateway names its session's run on stderr once it serves.
    await client.listTools();
    sessionWorkflowId = /session (writ-mcp-[0-9a-f-]+)/.exec(stderr)?.[1];
  }, 60_000);

  it('lists the governed actions policy can permit the treasurer, its zod input schema as the input schema', async () => {
    const { tools, _meta } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['applyInfraChange', 'transferFunds']);
    // Decided under the set the authorizer decides under.
    const { policySet } = authorizerPolicies.current();
    expect(_meta).toMatchObject({ 'writ/policySetId': policySet.id, 'writ/policyVersion': policySet.version, 'writ/policyDigest': policySet.digest });
    const transfer = tools.find((tool) => tool.name === 'transferFunds');
    expect(transfer?.description).toEqual(expect.any(String));
    expect(transfer?.inputSchema).toMatchObject({ type: 'object', properties: { fromAccount: { type: 'string' }, toAccount: { type: 'string' }, amountCents: { type: 'integer' } } });
    expect(transfer?.inputSchema.required).toEqual(expect.arrayContaining(['fromAccount', 'toAccount', 'amountCents']));
  });

  it('runs a permitted call as a governed step and returns the action\'s result', async () => {
    const before = env.stores.ledger.listTransfers().length;
    const result = (await client.callTool({ name: 'transferFunds', arguments: { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 250 } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(text(result))).toMatchObject({ transferId: expect.any(String) });
    expect(env.stores.ledger.listTransfers()).toHaveLength(before + 1);
  });

  it('answers a denial as a tool error naming the code and the policy, and nothing moves', async () => {
    const before = env.stores.ledger.listTransfers().length;
    const result = (await client.callTool({ name: 'transferFunds', arguments: { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 50_000_000 } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^POLICY_DENIED: Writ refused transferFunds/);
    expect(text(result)).toMatch(/policy version: /);
    expect(result.structuredContent).toMatchObject({ code: 'POLICY_DENIED' });
    expect(env.stores.ledger.listTransfers()).toHaveLength(before);
  });

  it('lists every problem of invalid arguments', async () => {
    const result = (await client.callTool({ name: 'transferFunds', arguments: { fromAccount: 'acct-alice', amountCents: 'lots', sneaky: true } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^INPUT_INVALID/);
    for (const path of ['toAccount', 'amountCents']) expect(text(result)).toContain(path);
  });

  it('answers a tool that does not exist with a protocol error, not a tool result', async () => {
    const error = await client.callTool({ name: 'transferFunds;rm -rf /', arguments: {} }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
  });

  it('ends the session run when the agent disconnects, and the run audits clean', async () => {
    expect(sessionWorkflowId).toEqual(expect.stringMatching(/^writ-mcp-/));
    await client.close();
    const handle = env.anonymousClient().workflow.getHandle(sessionWorkflowId!);
    await expect(handle.result()).resolves.toEqual({ calls: 3 });
    expect((await handle.describe()).type).toBe(MCP_SESSION_WORKFLOW_TYPE);
    const runs = await fetchRuns(env.anonymousClient(), { workflowIds: [sessionWorkflowId!], related: false });
    const verdict = await verifyHistories(runs, {
      keys: env.auditKeys(),
      policySets: [policySetEvidence(loadPolicySet(EXAMPLE_POLICIES))],
      namespace: env.namespace,
      replay: { bundle: await sharedBundle() },
    });
    expect(verdict.runs.flatMap((run) => run.findings)).toEqual([]);
    expect(verdict.passed).toBe(true);
  }, 60_000);
});

// 2,000.00: above the line where two treasury approvals are required.
const bigTransfer = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 };

/** An agent connected to a gateway started with `options`, and the session run's id. */
async function agentWith(...options: string[]): Promise<{ client: Client; session: () => string }> {
  const transport = gatewayTransport(await agentCredential(`agent-${options.join('-')}`), ...options);
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'writ-test-agent', version: '1.0.0' });
  await client.connect(transport);
  return { client, session: () => /session (writ-mcp-[0-9a-f-]+)/.exec(stderr)![1]! };
}

describe('when a tool call needs approval', () => {
  it('tells the agent it waits, for what, and answers with the result once operators approve', async () => {
    const { client, session } = await agentWith('--approval-wait', '60');
    const progress: string[] = [];
    const before = env.stores.ledger.listTransfers().length;
    const answer = client.callTool({ name: 'transferFunds', arguments: bigTransfer }, undefined, { onprogress: (note) => progress.push(note.message ?? ''), resetTimeoutOnProgress: true });
    const handle = env.anonymousClient().workflow.getHandle(session());
    // The session run starts with the call: wait until it exists, then until it awaits approvers.
    for (let i = 0; i < 100 && !(await handle.describe().then(() => true, () => false)); i += 1) await new Promise((r) => setTimeout(r, 50));
    const pending = await awaitPending(handle);
    expect(pending).toMatchObject({ action: 'transferFunds', required: 2, initiator: TREASURER.principal });
    // Progress arrives while the call waits.
    for (let i = 0; i < 60 && !progress.some((message) => message.startsWith('waiting for 2 more approval(s)')); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(progress).toContainEqual(expect.stringMatching(/^waiting for 2 more approval\(s\) of transferFunds \(transfers-require-two-approvals\)/));
    for (const approver of ['bob', 'carol'] as const) await handle.executeUpdate(APPROVE_UPDATE, { args: [await approvalBy(env.idp, approver, pending)] });
    const result = (await answer) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(env.stores.ledger.listTransfers()).toHaveLength(before + 1);
    await client.close();
  }, 60_000);

  it('answers APPROVAL_TIMEOUT once the gateway\'s wait is over, and the step can no longer run', async () => {
    const { client } = await agentWith('--approval-wait', '2');
    const before = env.stores.ledger.listTransfers().length;
    const result = (await client.callTool({ name: 'transferFunds', arguments: bigTransfer })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^APPROVAL_TIMEOUT: /);
    expect(env.stores.ledger.listTransfers()).toHaveLength(before);
    await client.close();
  }, 60_000);
});

describe('when an agent without an identity connects', () => {
  it('gets no server at all: writ mcp exits with IDENTITY_MISSING before serving', async () => {
    const transport = gatewayTransport(undefined);
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'anonymous-agent', version: '1.0.0' });
    await expect(client.connect(transport)).rejects.toBeDefined();
    await new Promise((done) => setTimeout(done, 200));
    expect(stderr).toMatch(/^writ: IDENTITY_MISSING: /m);
  });
});
