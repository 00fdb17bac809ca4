import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AGENT, createGovernedTestEnv, type GovernedTestEnv } from '../support/governedTestEnv';
import { agentCredential, connectedAgent, EXAMPLE_POLICIES, writMcpTransport } from '../support/writMcpStdio';
import { appendFile, editFile } from '../core/policy/policyTestKit';

// `tools/list` agrees with `tools/call`: the official MCP client over stdio to the built
// `writ mcp`, against a real dev server and governed worker deciding under the example
// policy set, where the support agent may use its own tools and never move money.

let env: GovernedTestEnv;
let dir: string;
beforeAll(async () => {
  env = await createGovernedTestEnv();
  dir = mkdtempSync(join(tmpdir(), 'writ-mcp-list-'));
}, 120_000);
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `probe`'s answer once `done` holds of it, within 5 s (the gateway reloads its policy directory shortly after a change). */
async function eventually<T>(probe: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  let answer = await probe();
  for (let i = 0; i < 50 && !done(answer); i += 1) {
    await new Promise((wait) => setTimeout(wait, 100));
    answer = await probe();
  }
  return answer;
}

const errorOf = (call: Promise<unknown>): Promise<unknown> => call.then(() => undefined, (error: unknown) => error);

/** The activity types a run scheduled, in order. */
async function scheduledActivities(workflowId: string): Promise<string[]> {
  const history = await env.anonymousClient().workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => (event.activityTaskScheduledEventAttributes?.activityType?.name ? [event.activityTaskScheduledEventAttributes.activityType.name] : []));
}

describe('when the support agent connects', () => {
  let client: Client;
  let session: () => string;
  beforeAll(async () => {
    ({ client, session } = await connectedAgent(env, dir, { credential: await agentCredential(env, dir, 'support-agent', AGENT) }));
  }, 60_000);

  it('lists its own tools only', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['agentIssueRefund', 'agentSearchDocs', 'agentSendEmail', 'agentWriteNote']);
  });

  it('may call a listed tool, and the authorizer permits it', async () => {
    const result = (await client.callTool({ name: 'agentSearchDocs', arguments: { query: 'refund' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
  });

  it('hears of an unlisted tool what it hears of one that does not exist, and nothing is scheduled', async () => {
    const before = env.stores.ledger.listTransfers().length;
    const error = await errorOf(client.callTool({ name: 'transferFunds', arguments: { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 250 } }));
    const unknown = await errorOf(client.callTool({ name: 'noSuchTool', arguments: {} }));
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((error as McpError).message).toBe((unknown as McpError).message.replace('noSuchTool', 'transferFunds'));
    expect(env.stores.ledger.listTransfers()).toHaveLength(before);
  });

  it('ends with one call answered, and the session run never authorized the unlisted tool', async () => {
    const workflowId = session();
    await client.close();
    await expect(env.anonymousClient().workflow.getHandle(workflowId).result()).resolves.toEqual({ calls: 1 });
    const scheduled = await scheduledActivities(workflowId);
    expect(scheduled).toContain('agentSearchDocs');
    expect(scheduled).not.toContain('transferFunds');
    expect(scheduled.filter((name) => name === 'writ.authorize')).toHaveLength(1);
  }, 60_000);
});

describe('when the gateway\'s policy set cannot be loaded', () => {
  it('serves nothing: writ mcp exits with POLICY_UNAVAILABLE', async () => {
    const transport = writMcpTransport(env, dir, { credential: await agentCredential(env, dir, 'no-policies', AGENT), policiesDir: join(dir, 'no-such-policies') });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'writ-test-agent', version: '1.0.0' });
    await expect(client.connect(transport)).rejects.toBeDefined();
    await new Promise((done) => setTimeout(done, 200));
    expect(stderr).toMatch(/^writ: POLICY_UNAVAILABLE: /m);
  }, 30_000);
});

describe('when the gateway\'s policy set breaks while it serves', () => {
  it('lists nothing and schedules nothing, answering POLICY_INVALID, until the set is valid again', async () => {
    const policiesDir = join(mkdtempSync(join(dir, 'policies-')), 'policies');
    cpSync(EXAMPLE_POLICIES, policiesDir, { recursive: true });
    const { client, session } = await connectedAgent(env, dir, { credential: await agentCredential(env, dir, 'breaking', AGENT), policiesDir });
    expect((await client.listTools()).tools.length).toBe(4);
    const valid = readFileSync(join(policiesDir, 'agent.cedar'), 'utf8');
    appendFile(policiesDir, 'agent.cedar', 'permit (principal, action, resource) when { nonsense');
    const listed = await eventually(() => errorOf(client.listTools()), (error) => error !== undefined);
    expect(listed).toBeInstanceOf(McpError);
    expect((listed as McpError).code).toBe(ErrorCode.InternalError);
    expect((listed as McpError).data).toEqual({ code: 'POLICY_INVALID' });
    const called = await errorOf(client.callTool({ name: 'agentSearchDocs', arguments: { query: 'refund' } }));
    expect((called as McpError).data).toEqual({ code: 'POLICY_INVALID' });
    // The call never reached the session run: it was never even started.
    expect(() => session()).not.toThrow();
    await expect(env.anonymousClient().workflow.getHandle(session()).describe()).rejects.toThrow();
    writeFileSync(join(policiesDir, 'agent.cedar'), valid);
    const relisted = await eventually(() => client.listTools().catch(() => ({ tools: [] })), (answer) => answer.tools.length > 0);
    expect(relisted.tools.length).toBe(4);
    await client.close();
  }, 60_000);
});

describe('when the gateway\'s policy set changes while it serves', () => {
  it('tells the agent the tool list changed, and lists what the new set permits under its version', async () => {
    const policiesDir = join(mkdtempSync(join(dir, 'policies-')), 'policies');
    cpSync(EXAMPLE_POLICIES, policiesDir, { recursive: true });
    const { client } = await connectedAgent(env, dir, { credential: await agentCredential(env, dir, 'changing', AGENT), policiesDir });
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed += 1;
    });
    expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('transferFunds');
    appendFile(policiesDir, 'agent.cedar', '@id("agents-small-transfers")\npermit (principal in Writ::Group::"agents", action == Writ::Action::"transferFunds", resource)\nwhen { context.amountCents < 100 };');
    editFile(policiesDir, 'policy-set.json', '"2026-12-02.1"', '"2026-12-02.2"');
    await eventually(async () => changed, (count) => count > 0);
    expect(changed).toBeGreaterThan(0);
    const { tools, _meta } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('transferFunds');
    expect(_meta).toMatchObject({ 'writ/policyVersion': '2026-12-02.2' });
    await client.close();
  }, 60_000);
});
