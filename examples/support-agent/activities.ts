import { defineAction } from 'writ-governance';
import type { AgentWorkspace } from './agentWorkspace';
import { issueRefundInput, searchDocsInput, sendEmailInput, writeNoteInput } from './toolInputs';

function tool(name: string, category: 'read' | 'write' | 'communication' | 'money') {
  return { uid: { type: 'Writ::AgentTool', id: name }, attrs: { category }, parents: [] };
}

/**
 * The tools an AI agent may call. Each tool call is a governed action: the agent's plan
 * is data, and policy (policies/agent.cedar) decides call by call.
 */
export function createAgentTools(deps: { readonly workspace: AgentWorkspace }) {
  return {
    agentSearchDocs: defineAction({
      description: 'Search the knowledge base',
      input: searchDocsInput,
      resource: () => ({ resource: tool('searchDocs', 'read'), context: {} }),
      execute: async (input) => deps.workspace.searchDocs(input.query),
    }),
    agentWriteNote: defineAction({
      description: 'Write a note into the workspace',
      input: writeNoteInput,
      resource: () => ({ resource: tool('writeNote', 'write'), context: {} }),
      execute: async (input, context) => deps.workspace.writeNote({ ...input, idempotencyKey: context.idempotencyKey }),
    }),
    agentSendEmail: defineAction({
      description: 'Send an email',
      input: sendEmailInput,
      resource: (input) => ({ resource: tool('sendEmail', 'communication'), context: { recipientDomain: input.to.slice(input.to.lastIndexOf('@') + 1).toLowerCase() } }),
      execute: async (input, context) => deps.workspace.sendEmail({ ...input, idempotencyKey: context.idempotencyKey }),
    }),
    agentIssueRefund: defineAction({
      description: 'Refund part of an order',
      input: issueRefundInput,
      resource: (input) => ({ resource: tool('issueRefund', 'money'), context: { amountCents: input.amountCents } }),
      execute: async (input, context) => deps.workspace.issueRefund({ ...input, idempotencyKey: context.idempotencyKey }),
    }),
  };
}
