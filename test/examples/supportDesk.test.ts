import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { writeBoundCredentialFile } from '../../core/identity/boundCredentialFile';
import { APPROVE_UPDATE } from '../../core/protocol/operatorContract';
import { createSupportDeskActions } from '../../examples/support-desk/activities';
import { CONVERSATION, runSupportConversation } from '../../examples/support-desk/agent';
import { OrderDesk } from '../../examples/support-desk/orderDesk';
import { createAiSdkTestEnv, type AiSdkTestEnv } from '../aiSdk/aiSdkTestEnv';
import { awaitPending } from '../support/awaitPending';
import { approvalStatement } from '../support/operatorStatements';
import { testTemporal } from '../support/testServer';

// The support desk example end to end: its governed worker (the desk's actions, its own
// policy set) on the shared dev server, the built `writ mcp` serving the desk's worker
// module over stdio, and the example agent's conversation through the official MCP client.

const CLI = resolve(__dirname, '../../dist/tools/cli/main.js');
const DESK_WORKER = resolve(__dirname, '../../dist/examples/support-desk/worker.js');
const POLICIES = resolve(__dirname, '../../examples/support-desk/policies');

let env: AiSdkTestEnv;
let desk: OrderDesk;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-support-desk-'));
  desk = OrderDesk.open(join(dir, 'desk'));
  desk.seedDemo();
  env = await createAiSdkTestEnv({ actions: createSupportDeskActions({ desk }), workflowsPath: require.resolve('../../examples/support-desk/workflows'), policiesDir: POLICIES });
}, 120_000);
afterAll(async () => {
  await env?.close();
  desk?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('when the support agent works through its conversation via writ mcp', () => {
  it('looks up, refunds and emails as policy allows, is refused the refund above what was paid, and waits for a lead on the large one', async () => {
    const credential = join(dir, 'agent.credential.json');
    writeBoundCredentialFile(credential, await env.idp.mintBoundCredential({ principal: 'desk-agent', groups: ['agents'] }));
    const { address, namespace } = testTemporal();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp', '--module', DESK_WORKER, '--approval-wait', '60'],
      cwd: dir,
      // The gateway trusts the worker's identity provider (<data dir>/idp) and lists under the desk's policy set.
      env: { PATH: process.env['PATH'] ?? '', TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, WRIT_TASK_QUEUE: env.taskQueue, WRIT_MCP_CREDENTIAL: credential, WRIT_DATA_DIR: dirname(dirname(env.idp.jwksPath)), WRIT_POLICIES_DIR: POLICIES },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'support-desk-agent', version: '1.0.0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['emailCustomer', 'issueRefund', 'lookUpOrder']);

    const said: string[] = [];
    const conversation = runSupportConversation(client, (line) => said.push(line));
    conversation.catch(() => undefined);
    // The large refund waits in the session run until a support lead approves it.
    const session = () => /session (writ-mcp-[0-9a-f-]+)/.exec(stderr)?.[1];
    for (let i = 0; i < 100 && session() === undefined; i += 1) await new Promise((r) => setTimeout(r, 50));
    const handle = env.anonymousClient().workflow.getHandle(session()!);
    // The session run starts with the first call: wait until it exists.
    for (let i = 0; i < 100 && !(await handle.describe().then(() => true, () => false)); i += 1) await new Promise((r) => setTimeout(r, 50));
    const pending = await awaitPending(handle);
    expect(pending).toMatchObject({ action: 'issueRefund', initiator: 'desk-agent', requiredBy: ['refund-above-20-needs-a-lead'] });
    expect(desk.listRefunds()).toEqual([{ orderId: 'A-1001', amountCents: 1_500 }]);
    // The agent hears what it waits for while it waits.
    const waiting = /waiting for 1 more approval\(s\) of issueRefund \(refund-above-20-needs-a-lead\)/;
    for (let i = 0; i < 60 && !said.some((line) => waiting.test(line)); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(said).toContainEqual(expect.stringMatching(waiting));
    await handle.executeUpdate(APPROVE_UPDATE, { args: [await approvalStatement(env.idp, 'sam', ['support-leads'], pending)] });
    const turns = await conversation;

    expect(turns.map((turn) => [turn.tool, turn.refused])).toEqual(CONVERSATION.map((call, i) => [call.tool, i === 3]));
    expect(turns[3]?.text).toMatch(/^POLICY_DENIED: Writ refused issueRefund: /);
    expect(turns[3]?.text).toContain('refund-at-most-what-is-left');
    expect(JSON.parse(turns[0]!.text)).toMatchObject({ orderId: 'A-1001', customer: 'ana@example.com', totalCents: 4_800 });
    expect(desk.listRefunds()).toEqual([
      { orderId: 'A-1001', amountCents: 1_500 },
      { orderId: 'A-1002', amountCents: 6_000 },
    ]);
    expect(desk.listEmails()).toEqual([{ to: 'ana@example.com', subject: 'Your refund' }]);

    await client.close();
    await expect(handle.result()).resolves.toEqual({ calls: CONVERSATION.length });
    const verdict = await env.audit([handle.workflowId]);
    expect(verdict.runs.flatMap((run) => run.findings)).toEqual([]);
    expect(verdict.passed).toBe(true);
  }, 120_000);
});
