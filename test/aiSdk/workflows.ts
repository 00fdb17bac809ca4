// Workflows for the AI SDK tests: a support agent's turn, written as a team writes one
// with the AI SDK and @temporalio/ai-sdk, whose tools are governed actions.
import { generateText, isStepCount } from 'ai';
import { temporalProvider } from '@temporalio/ai-sdk/workflow';
import { proxyGoverned } from '../../workflows/proxyGoverned';
import { governedTool, type GovernedToolOutput } from '../../exports/aiSdk';
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
  const result = await generateText({
    model: temporalProvider.languageModel('scripted'),
    prompt,
    tools: {
      searchDocs: governedTool(actions, 'agentSearchDocs', { description: 'Search the knowledge base', inputSchema: searchDocsInput }),
      sendEmail: governedTool(actions, 'agentSendEmail', { description: 'Email a customer', inputSchema: sendEmailInput }),
      issueRefund: governedTool(actions, 'agentIssueRefund', { description: 'Refund part of an order', inputSchema: issueRefundInput }),
    },
    stopWhen: isStepCount(2),
  });
  return {
    text: result.text,
    outputs: result.steps.flatMap((step) => step.toolResults.map((r) => ({ tool: r.toolName, output: r.output as GovernedToolOutput }))),
  };
}
