/**
 * `writ-governance/ai-sdk`: governed tools for workflow code written with the AI SDK and
 * `@temporalio/ai-sdk`. Workflow-safe, like `writ-governance/workflow`; it needs the `ai`
 * package (an optional peer dependency) only for its types. `governedTool` makes a
 * governed action an AI SDK tool; `governedMcpTools` governs the tools of a
 * `TemporalMCPClient`, and `governedMcpServer` (worker code) serves that server's calls
 * as a governed action.
 *
 * ```ts
 * import { generateText } from 'ai';
 * import { temporalProvider } from '@temporalio/ai-sdk/workflow';
 * import { proxyGoverned } from 'writ-governance/workflow';
 * import { governedTool } from 'writ-governance/ai-sdk';
 * const actions = proxyGoverned<MyActions>({ startToCloseTimeout: '30s' });
 * const tools = { issueRefund: governedTool(actions, 'issueRefund', { description: 'Refund an order', inputSchema: issueRefundInput }) };
 * await generateText({ model: temporalProvider.languageModel('gpt-5'), prompt, tools });
 * ```
 *
 * @packageDocumentation
 */
export { governedTool } from '../aiSdk/governedTool';
export type { GovernedToolDeclaration } from '../aiSdk/governedTool';
export type { GovernedToolOutput } from '../aiSdk/governedToolOutput';
export { governedMcpTools } from '../aiSdk/governedMcpTools';
export { governedMcpServer, mcpCallToolAction } from '../aiSdk/governedMcpServer';
export type { GovernedMcpServer, GovernedMcpServerOptions, McpListedTool, McpToolCall, McpToolClient } from '../aiSdk/governedMcpServer';
export type { GovernedOptions } from '../workflows/proxyGoverned';
export type { ActionContext, GovernedAction, GovernedActions, GovernedProxy, ResourceView } from '../core/actions/types';
export type { CedarEntity, CedarValueJson } from '../core/policy/policyEngine';
