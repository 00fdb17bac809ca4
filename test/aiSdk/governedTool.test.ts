import { join, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { WorkflowHandle } from '@temporalio/client';
import { actionOutcome, governedStepsFromHistory } from '../../core/history/governedSteps';
import { APPROVE_UPDATE } from '../../core/protocol/operatorContract';
import { createExampleActions } from '../../examples/exampleActions';
import { openExampleStores, type ExampleStores } from '../../examples/exampleStores';
import { awaitPending } from '../support/awaitPending';
import { AGENT } from '../support/governedTestEnv';
import { approvalStatement } from '../support/operatorStatements';
import { createAiSdkTestEnv, type AiSdkTestEnv } from './aiSdkTestEnv';
import { scriptedProvider, type ModelScript, type SeenToolResult } from './scriptedModel';
import type { AgentTurn, supportAgentTurn } from './workflows';

// A support agent written with the AI SDK's generateText and @temporalio/ai-sdk's
// provider, its tools made with governedTool, and the AI SDK's own mock model scripted to
// call them: each tool call is a governed step on a real worker and dev server.

const POLICIES = resolve(__dirname, '../../examples/policies');
let env: AiSdkTestEnv;
let stores: ExampleStores;
const started: string[] = [];

beforeAll(async () => {
  stores = openExampleStores(join(mkdtempSync(join(tmpdir(), 'writ-aisdk-stores-')), 'stores'));
  stores.workspace.seedDemo();
  env = await createAiSdkTestEnv({
    actions: createExampleActions(stores),
    modelProvider: scriptedProvider(),
    workflowsPath: require.resolve('./workflows'),
    policiesDir: POLICIES,
  });
}, 120_000);
afterAll(async () => {
  await env?.close();
  stores?.close();
});

async function startTurn(script: ModelScript, workflow: 'supportAgentTurn' | 'impatientAgentTurn' | 'looseSchemaTurn' = 'supportAgentTurn'): Promise<WorkflowHandle<typeof supportAgentTurn>> {
  const client = await env.clientAs(AGENT.principal, AGENT.groups);
  const workflowId = `aisdk-${started.length + 1}-${Date.now()}`;
  started.push(workflowId);
  return client.workflow.start<typeof supportAgentTurn>(workflow, { taskQueue: env.taskQueue, workflowId, args: [JSON.stringify(script)] });
}

/** What the scripted model reported it was shown of the tool results. */
function seenByModel(turn: AgentTurn): SeenToolResult[] {
  return JSON.parse(turn.text) as SeenToolResult[];
}

describe('when the model calls a tool policy permits', () => {
  it('runs the action once, as a governed step with a receipt, and the model reads its result', async () => {
    const handle = await startTurn({ calls: [{ tool: 'searchDocs', input: { query: 'refund' } }] });
    const turn = await handle.result();
    expect(turn.outputs).toHaveLength(1);
    expect(turn.outputs[0]).toMatchObject({ tool: 'searchDocs', output: { outcome: 'result' } });
    expect(seenByModel(turn)).toEqual([{ toolName: 'searchDocs', output: { type: 'json', value: (turn.outputs[0]!.output as { result: unknown }).result } }]);

    const steps = governedStepsFromHistory(await handle.fetchHistory());
    expect(steps.map((step) => [step.action, step.execution?.activityType, step.execution?.end.status])).toEqual([['agentSearchDocs', 'agentSearchDocs', 'completed']]);
    expect(actionOutcome(steps[0]!)?.writReceipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

describe('when policy denies the tool call', () => {
  it('answers the model with the code and the policy, and nothing runs', async () => {
    const outboxBefore = stores.workspace.listOutbox().length;
    const handle = await startTurn({ calls: [{ tool: 'sendEmail', input: { to: 'leak@elsewhere.test', subject: 'customers', body: 'the list' } }] });
    const turn = await handle.result();
    expect(turn.outputs[0]?.output).toMatchObject({ outcome: 'refused', code: 'POLICY_DENIED', facts: { determiningPolicies: ['agent-forbid-external-email'] } });
    const [seen] = seenByModel(turn);
    expect(seen?.output.type).toBe('error-text');
    expect(String(seen?.output.value)).toMatch(/^POLICY_DENIED: Writ refused agentSendEmail: /);
    expect(String(seen?.output.value)).toContain('determining policies: agent-forbid-external-email');

    expect(stores.workspace.listOutbox()).toHaveLength(outboxBefore);
    const steps = governedStepsFromHistory(await handle.fetchHistory());
    expect(steps.map((step) => [step.action, step.authorization.end.status, step.execution])).toEqual([['agentSendEmail', 'failed', undefined]]);
  });
});

describe('when the tool call needs approval', () => {
  it('waits for a support lead, then runs once', async () => {
    const refundsBefore = stores.workspace.listRefunds().length;
    const handle = await startTurn({ calls: [{ tool: 'issueRefund', input: { orderId: 'order-42', amountCents: 1500 } }] });
    const pending = await awaitPending(handle);
    expect(pending).toMatchObject({ action: 'agentIssueRefund', initiator: AGENT.principal, requiredBy: ['agent-refund-requires-approval'] });
    expect(stores.workspace.listRefunds()).toHaveLength(refundsBefore);

    await handle.executeUpdate(APPROVE_UPDATE, { args: [await approvalStatement(env.idp, 'sam', ['support-leads'], pending)] });
    const turn = await handle.result();
    expect(turn.outputs[0]).toMatchObject({ tool: 'issueRefund', output: { outcome: 'result' } });
    expect(stores.workspace.listRefunds()).toHaveLength(refundsBefore + 1);
    const executed = governedStepsFromHistory(await handle.fetchHistory()).filter((step) => step.execution !== undefined);
    expect(executed.map((step) => step.execution?.activityType)).toEqual(['agentIssueRefund']);
  });
});

describe('when no approver answers within the wait', () => {
  it('answers the model APPROVAL_TIMEOUT and the refund is never issued', async () => {
    const refundsBefore = stores.workspace.listRefunds().length;
    const handle = await startTurn({ calls: [{ tool: 'issueRefund', input: { orderId: 'order-43', amountCents: 1500 } }] }, 'impatientAgentTurn');
    const turn = await handle.result();
    expect(turn.outputs[0]?.output).toMatchObject({ outcome: 'refused', code: 'APPROVAL_TIMEOUT' });
    expect(String(seenByModel(turn)[0]?.output.value)).toMatch(/^APPROVAL_TIMEOUT: Writ refused agentIssueRefund: /);
    expect(stores.workspace.listRefunds()).toHaveLength(refundsBefore);
    const executed = governedStepsFromHistory(await handle.fetchHistory()).filter((step) => step.execution !== undefined);
    expect(executed).toEqual([]);
  });
});

describe("when the workflow's schema lets through what the action's declaration refuses", () => {
  it('answers INPUT_INVALID with every problem, and nothing runs', async () => {
    const outboxBefore = stores.workspace.listOutbox().length;
    const handle = await startTurn({ calls: [{ tool: 'sendEmail', input: { to: 'not an address', body: 'hi', bcc: 'everyone@example.com' } }] }, 'looseSchemaTurn');
    const turn = await handle.result();
    expect(turn.outputs[0]?.output).toMatchObject({ outcome: 'refused', code: 'INPUT_INVALID' });
    const text = String(seenByModel(turn)[0]?.output.value);
    expect(text).toMatch(/^INPUT_INVALID: Writ refused agentSendEmail: /);
    for (const path of ['to', 'subject']) expect(text).toContain(`- ${path}: `);
    expect(text).toContain('bcc');
    expect(stores.workspace.listOutbox()).toHaveLength(outboxBefore);
  });
});

describe('when one model turn calls several tools', () => {
  it('runs each as its own governed step: the permitted ones run, the denied one answers with its code', async () => {
    const outboxBefore = stores.workspace.listOutbox().length;
    const handle = await startTurn({
      calls: [
        { tool: 'searchDocs', input: { query: 'shipping' } },
        { tool: 'sendEmail', input: { to: 'ana@example.com', subject: 'your order', body: 'on its way' } },
        { tool: 'sendEmail', input: { to: 'ana@elsewhere.test', subject: 'your order', body: 'on its way' } },
      ],
    });
    const turn = await handle.result();
    expect(turn.outputs.map((o) => [o.tool, o.output.outcome, o.output.outcome === 'refused' ? o.output.code : undefined])).toEqual([
      ['searchDocs', 'result', undefined],
      ['sendEmail', 'result', undefined],
      ['sendEmail', 'refused', 'POLICY_DENIED'],
    ]);
    expect(stores.workspace.listOutbox()).toHaveLength(outboxBefore + 1);
  });
});

describe('the runs', () => {
  it('audit clean, replay included', async () => {
    const verdict = await env.audit(started);
    expect(verdict.runs).toHaveLength(started.length);
    expect(verdict.runs.flatMap((run) => run.findings)).toEqual([]);
    expect(verdict.passed).toBe(true);
  });
});
