/**
 * `writ-governance/workflow`: what workflow code imports. Workflow-safe: nothing here
 * pulls in Node built-ins or `@temporalio/worker`, so the Temporal bundler accepts it.
 *
 * ```ts
 * import { proxyGoverned } from 'writ-governance/workflow';
 * import type { MyActions } from './activities';
 * const { deployService } = proxyGoverned<MyActions>({ startToCloseTimeout: '30s' });
 * // and, once, in the module the worker's workflowsPath names:
 * export { writControl } from 'writ-governance/workflow';
 * ```
 *
 * @packageDocumentation
 */
export { proxyGoverned } from '../workflows/proxyGoverned';
export type { GovernedOptions } from '../workflows/proxyGoverned';
export { DEFAULT_MAX_INPUT_BYTES, MAX_INPUT_BYTES_CEILING } from '../core/protocol/inputBounds';
export type { ActionContext, GovernedAction, GovernedActions, GovernedProxy, ResourceView } from '../core/actions/types';
export type { CedarEntity, CedarValueJson } from '../core/policy/policyEngine';
export { writControl } from '../workflows/control';
export { writMcpSession } from '../workflows/mcpSession';
export type { McpCallOutcome, McpCallRequest, McpSessionSettings, McpSessionSummary } from '../core/protocol/mcpContract';
export type { KillSwitchInForce } from '../core/protocol/operatorContract';
