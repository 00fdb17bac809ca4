/**
 * `writ-governance/testing`: run a governed worker against a real Temporal dev server in
 * a project's own jest tests.
 *
 * ```ts
 * const env = await WritTestEnvironment.start({ actions, workflowsPath, policiesDir });
 * const client = await env.clientAs('dana', ['deployers']);
 * await client.workflow.execute(deploy, { taskQueue: env.taskQueue, workflowId, args: [...] });
 * expect((await env.audit([workflowId])).passed).toBe(true);
 * await env.close();
 * ```
 *
 * @packageDocumentation
 */
export { WritTestEnvironment } from '../core/testing/writTestEnvironment';
export type { WritTestEnvironmentOptions } from '../core/testing/writTestEnvironment';
export type { ActionContext, GovernedAction, GovernedActions, ResourceView } from '../core/actions/types';
export type { CedarEntity, CedarValueJson } from '../core/policy/policyEngine';
export { FINDING_CODES } from '../core/audit/types';
export type { AuditedStep, AuditVerdict, Finding, FindingCode, RunVerdict } from '../core/audit/types';
export type { AuthorizationMode } from '../core/protocol/authorizeContract';
