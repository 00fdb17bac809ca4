// The workflows a governed worker serves. Workflow code imports activity types only.
export { transferFunds } from './treasury/workflows';
export { changeInfrastructure } from './infrastructure/workflows';
export { runAgentPlan } from './support-agent/workflows';
export { writControl, writMcpSession } from 'writ-governance/workflow';
