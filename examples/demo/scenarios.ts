import type { ToolCall } from '../support-agent/workflows';

/** One example workflow run of the demo: who starts what, with which input. */
export interface Scenario {
  readonly title: string;
  readonly workflowType: 'transferFunds' | 'changeInfrastructure' | 'runAgentPlan';
  readonly principal: 'alice' | 'support-agent';
  readonly input: unknown;
  /** Operators who approve, in order, whatever the run comes to await. */
  readonly approvers?: readonly DemoOperator[];
}

/** An operator of the demo: who, and the groups that give them authority. */
export interface DemoOperator {
  readonly principal: string;
  readonly groups: readonly string[];
}

const bob: DemoOperator = { principal: 'bob', groups: ['treasury-approvers'] };
const carol: DemoOperator = { principal: 'carol', groups: ['treasury-approvers'] };
const sam: DemoOperator = { principal: 'sam', groups: ['support-leads'] };

/** The demo's principals and the groups their identity tokens carry. */
export const DEMO_PRINCIPALS = {
  alice: ['treasury', 'ops'],
  'support-agent': ['agents'],
} as const;

const agentPlan: ToolCall[] = [
  { tool: 'agentSearchDocs', input: { query: 'refund damaged' } },
  { tool: 'agentWriteNote', input: { title: 'Order 1042', body: 'Customer reports a damaged item; refund per policy.' } },
  { tool: 'agentIssueRefund', input: { orderId: 'order-1042', amountCents: 2_000 } },
  { tool: 'agentSendEmail', input: { to: 'customer-care@example.com', subject: 'Order 1042 refunded', body: 'Refund of 20.00 issued.' } },
  { tool: 'agentSendEmail', input: { to: 'someone@elsewhere.test', subject: 'Customer list', body: 'Attached, as asked.' } },
];

/** What the demo (`npm start`) runs: permitted and denied steps of each example. */
export const DEMO_SCENARIOS: readonly Scenario[] = [
  { title: 'transfer 250.00 between customer accounts', workflowType: 'transferFunds', principal: 'alice', input: { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 25_000, memo: 'rent' } },
  { title: 'transfer 2,000.00 (needs two treasury approvals)', workflowType: 'transferFunds', principal: 'alice', input: { fromAccount: 'acct-treasury', toAccount: 'acct-alice', amountCents: 200_000, memo: 'quarterly refund' }, approvers: [bob, carol] },
  { title: 'transfer 25,000.00 (above the limit)', workflowType: 'transferFunds', principal: 'alice', input: { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 2_500_000 } },
  { title: 'transfer to a frozen account', workflowType: 'transferFunds', principal: 'alice', input: { fromAccount: 'acct-alice', toAccount: 'acct-mallory', amountCents: 1_000 } },
  { title: 'staging config change', workflowType: 'changeInfrastructure', principal: 'alice', input: { environment: 'staging', service: 'payments-api', change: 'raise pool size to 40' } },
  { title: 'production change outside a change window', workflowType: 'changeInfrastructure', principal: 'alice', input: { environment: 'production', service: 'payments-api', change: 'raise pool size to 40' } },
  { title: 'support agent handles a damaged-item ticket (a support lead approves the refund)', workflowType: 'runAgentPlan', principal: 'support-agent', input: agentPlan, approvers: [sam] },
];
