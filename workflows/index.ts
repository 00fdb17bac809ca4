// The workflows a governed worker serves. Workflow code imports activity types only.
export { transferFunds } from './transferFunds';
export { changeInfrastructure } from './changeInfrastructure';
export { runAgentPlan } from './runAgentPlan';
export { writControl } from './writ/control';
