import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { createMCPClient } from '@ai-sdk/mcp';
import { Experimental_StdioMCPTransport } from '@ai-sdk/mcp/mcp-stdio';
import { actionOutcome, governedStepsFromHistory } from '../../core/history/governedSteps';
import { governedMcpServer } from '../../exports/aiSdk';
import { isWritError } from '../../core/errors/writError';
import { AGENT } from '../support/governedTestEnv';
import { createAiSdkTestEnv, type AiSdkTestEnv } from './aiSdkTestEnv';
import { scriptedProvider, type ModelScript, type SeenToolResult } from './scriptedModel';
import type { filesAgentTurn } from './workflows';

// An agent's MCP tools reached through @temporalio/ai-sdk's TemporalMCPClient: the real
// MCP filesystem server over stdio, the AI SDK's MCP client on the worker, and the AI
// SDK's mock model calling the tools. Each call is the governed action files-callTool,
// authorized by policy (test/aiSdk/policies) and enforced at the worker.

const POLICIES = resolve(__dirname, 'policies');
const FILESYSTEM_SERVER = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
let env: AiSdkTestEnv;
let root: string;
const governedRuns: string[] = [];

/** Connects the AI SDK's MCP client to the filesystem server, which may touch `root` only. */
function connectFiles() {
  return createMCPClient({ transport: new Experimental_StdioMCPTransport({ command: process.execPath, args: [FILESYSTEM_SERVER, root], stderr: 'ignore' }) });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'writ-aisdk-files-'));
  writeFileSync(join(root, 'order-42.txt'), 'order 42: two mugs, shipped');
  const files = governedMcpServer({ name: 'files', connect: connectFiles });
  env = await createAiSdkTestEnv({ actions: files.actions, exemptActivities: files.activities, modelProvider: scriptedProvider(), workflowsPath: require.resolve('./workflows'), policiesDir: POLICIES });
}, 120_000);
afterAll(async () => {
  await env?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function start(workflow: 'filesAgentTurn' | 'ungovernedFilesTurn', script: ModelScript): Promise<WorkflowHandle<typeof filesAgentTurn>> {
  const client = await env.clientAs(AGENT.principal, AGENT.groups);
  const workflowId = `aisdk-mcp-${workflow}-${Date.now()}`;
  if (workflow === 'filesAgentTurn') governedRuns.push(workflowId);
  return client.workflow.start<typeof filesAgentTurn>(workflow, { taskQueue: env.taskQueue, workflowId, args: [JSON.stringify(script)] });
}

/** Each activity of a run that was scheduled with `activityType`, with the code it failed with (innermost cause), if it failed. */
function activityEnds(history: temporal.api.history.v1.IHistory, activityType: string): (string | 'completed')[] {
  const scheduled = new Set<string>();
  const ends: (string | 'completed')[] = [];
  for (const event of history.events ?? []) {
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === activityType) scheduled.add(String(event.eventId));
    if (event.activityTaskCompletedEventAttributes && scheduled.has(String(event.activityTaskCompletedEventAttributes.scheduledEventId))) ends.push('completed');
    const failed = event.activityTaskFailedEventAttributes;
    if (failed && scheduled.has(String(failed.scheduledEventId))) {
      let failure = failed.failure;
      while (failure?.cause) failure = failure.cause;
      ends.push(failure?.applicationFailureInfo?.type ?? 'failed');
    }
  }
  return ends;
}

describe('when the model calls an MCP tool policy permits', () => {
  it('runs the call once through the server, as a governed step with a receipt', async () => {
    const handle = await start('filesAgentTurn', { calls: [{ tool: 'read_text_file', input: { path: join(root, 'order-42.txt') } }] });
    const turn = await handle.result();
    expect(turn.outputs).toHaveLength(1);
    expect(turn.outputs[0]?.output).toMatchObject({ outcome: 'result', result: { content: [{ type: 'text', text: 'order 42: two mugs, shipped' }] } });
    const steps = governedStepsFromHistory(await handle.fetchHistory());
    expect(steps.map((step) => [step.action, step.execution?.args, step.execution?.end.status])).toEqual([
      ['files-callTool', [{ name: 'read_text_file', input: { path: join(root, 'order-42.txt') } }], 'completed'],
    ]);
    expect(actionOutcome(steps[0]!)?.writReceipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

describe('when policy denies the MCP tool call', () => {
  it('answers the model with POLICY_DENIED and the server is never called', async () => {
    const target = join(root, 'refunds.txt');
    const handle = await start('filesAgentTurn', { calls: [{ tool: 'write_file', input: { path: target, content: 'refund everyone' } }] });
    const turn = await handle.result();
    expect(turn.outputs[0]?.output).toMatchObject({ outcome: 'refused', code: 'POLICY_DENIED' });
    const [seen] = JSON.parse(turn.text) as SeenToolResult[];
    expect(String(seen?.output.value)).toMatch(/^POLICY_DENIED: Writ refused write_file: /);
    expect(existsSync(target)).toBe(false);
    expect(activityEnds(await handle.fetchHistory(), 'files-callTool')).toEqual([]);
  });
});

describe("when workflow code calls the MCP client's own tools, around governance", () => {
  it('the worker refuses the call ARTIFACT_MISSING before it reaches the server', async () => {
    const target = join(root, 'reach-around.txt');
    const handle = await start('ungovernedFilesTurn', { calls: [{ tool: 'write_file', input: { path: target, content: 'unauthorized' } }] });
    const turn = await handle.result();
    expect(turn.outputs).toEqual([]);
    expect(activityEnds(await handle.fetchHistory(), 'files-callTool')).toEqual(['ARTIFACT_MISSING']);
    expect(existsSync(target)).toBe(false);
  });
});

describe('when a worker also lists the governed server in AiSdkPlugin', () => {
  it('refuses to start, CONFIG_INVALID: the call activity would have two implementations', async () => {
    const files = governedMcpServer({ name: 'files', connect: connectFiles });
    const refused = await createAiSdkTestEnv({ actions: files.actions, exemptActivities: files.activities, mcpClientFactories: { files: connectFiles }, modelProvider: scriptedProvider(), workflowsPath: require.resolve('./workflows'), policiesDir: POLICIES }).then(
      (started) => started.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(isWritError(refused) ? refused.code : refused).toBe('CONFIG_INVALID');
    expect((refused as Error).message).toContain('"files-callTool" collides with a governed action');
  });
});

describe('the governed runs', () => {
  it('audit clean, replay included', async () => {
    const verdict = await env.audit(governedRuns);
    expect(verdict.runs).toHaveLength(governedRuns.length);
    expect(verdict.runs.flatMap((run) => run.findings)).toEqual([]);
    expect(verdict.passed).toBe(true);
  });
});
