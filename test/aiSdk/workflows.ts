// Workflows for the AI SDK tests: a support agent's turn, written as a team writes one
// with the AI SDK and @temporalio/ai-sdk, whose tools are governed actions.
import { generateText, isStepCount, type ToolSet } from 'ai';
import { z } from 'zod';
import { TemporalMCPClient, temporalProvider } from '@temporalio/ai-sdk/workflow';
import { proxyGoverned } from '../../workflows/proxyGoverned';
import { governedMcpTools, governedTool, type GovernedToolOutput } from '../../exports/aiSdk';
import type { ExampleActions } from '../../examples/exampleActions';
import { issueRefundInput, searchDocsInput, sendEmailInput } from '../../examples/support-agent/toolInputs';

export { writControl } from '../../workflows/control';

const actions = proxyGoverned<ExampleActions>({ startToCloseTimeout: '30s', maxApprovalWait: '2 minutes' });

/** What one turn returns: the model's final text and each tool's answer as the workflow saw it. */
export interface AgentTurn {
  readonly text: string;
  readonly outputs: readonly { readonly tool: string; readonly output: GovernedToolOutput }[];
}

/** One turn of a support agent: the model may call the support tools, each a governed step. */
export async function supportAgentTurn(prompt: string): Promise<AgentTurn> {
  return turn(prompt, {
    searchDocs: governedTool(actions, 'agentSearchDocs', { description: 'Search the knowledge base', inputSchema: searchDocsInput }),
    sendEmail: governedTool(actions, 'agentSendEmail', { description: 'Email a customer', inputSchema: sendEmailInput }),
    issueRefund: governedTool(actions, 'agentIssueRefund', { description: 'Refund part of an order', inputSchema: issueRefundInput }),
  });
}

/** A refund that may wait two seconds for approvers at most: the answer is then APPROVAL_TIMEOUT. */
export async function impatientAgentTurn(prompt: string): Promise<AgentTurn> {
  const impatient = proxyGoverned<ExampleActions>({ startToCloseTimeout: '30s', maxApprovalWait: '2s' });
  return turn(prompt, { issueRefund: governedTool(impatient, 'agentIssueRefund', { description: 'Refund part of an order', inputSchema: issueRefundInput }) });
}

/**
 * A tool whose workflow-side schema lets any object through (typed around on purpose):
 * what the model may send is still decided by the worker's declaration at authorization.
 */
export async function looseSchemaTurn(prompt: string): Promise<AgentTurn> {
  return turn(prompt, { sendEmail: governedTool(actions, 'agentSendEmail', { inputSchema: z.record(z.string(), z.unknown()) as never }) });
}

/** One turn of an agent whose tools are the "files" MCP server's, reached through TemporalMCPClient and governed. */
export async function filesAgentTurn(prompt: string): Promise<AgentTurn> {
  return turn(prompt, await governedMcpTools(new TemporalMCPClient({ name: 'files' }), { startToCloseTimeout: '30s' }));
}

/** The same, with the client's own tools: workflow code reaching around governance, which the worker must refuse. */
export async function ungovernedFilesTurn(prompt: string): Promise<AgentTurn> {
  return turn(prompt, await new TemporalMCPClient({ name: 'files', activityOptions: { startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } } }).tools());
}

async function turn(prompt: string, tools: ToolSet): Promise<AgentTurn> {
  const result = await generateText({ model: temporalProvider.languageModel('scripted'), prompt, tools, stopWhen: isStepCount(2) });
  return {
    text: result.text,
    outputs: result.steps.flatMap((step) => step.toolResults.map((r) => ({ tool: r.toolName, output: r.output as GovernedToolOutput }))),
  };
}
