import { ApplicationFailure } from '@temporalio/workflow';
import { proxyGoverned } from 'writ-governance/workflow';
import type { ExampleActions } from '../exampleActions';

const tools = proxyGoverned<ExampleActions>({ startToCloseTimeout: '30s' });

/** One tool call of an agent's plan: which tool, with which input. */
export type ToolCall =
  | { readonly tool: 'agentSearchDocs'; readonly input: { query: string } }
  | { readonly tool: 'agentWriteNote'; readonly input: { title: string; body: string } }
  | { readonly tool: 'agentSendEmail'; readonly input: { to: string; subject: string; body: string } }
  | { readonly tool: 'agentIssueRefund'; readonly input: { orderId: string; amountCents: number } };

/** What happened to each call: its result, or the code it was denied with. */
export type ToolCallOutcome =
  | { readonly tool: string; readonly status: 'executed'; readonly result: unknown }
  | { readonly tool: string; readonly status: 'denied'; readonly code: string; readonly message: string };

/**
 * Executes an AI agent's plan of tool calls, each one a governed step. A denied call is
 * recorded and skipped; the agent cannot act around it, because the denial happened
 * before the tool ran and the tool's worker would refuse it anyway.
 */
export async function runAgentPlan(plan: readonly ToolCall[]): Promise<ToolCallOutcome[]> {
  const outcomes: ToolCallOutcome[] = [];
  for (const call of plan) {
    try {
      const result = await (tools[call.tool] as (input: unknown) => Promise<unknown>)(call.input);
      outcomes.push({ tool: call.tool, status: 'executed', result });
    } catch (error) {
      if (!(error instanceof ApplicationFailure) || !error.nonRetryable || error.type === undefined || error.type === null) throw error;
      outcomes.push({ tool: call.tool, status: 'denied', code: error.type, message: error.message });
    }
  }
  return outcomes;
}
