import type { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { APPROVAL_AUDIENCE, KILL_SWITCH_AUDIENCE, REVOCATION_AUDIENCE } from '../../core/operators/statements';
import type { PendingApproval } from '../../core/protocol/operatorContract';

/** The operators the tests act as, with the groups policy gives them authority through. */
export const OPERATORS = {
  bob: ['treasury-approvers'],
  carol: ['treasury-approvers'],
  erin: ['treasury-approvers'],
  dave: ['ops'],
  olivia: ['operators'],
} as const;

type Operator = keyof typeof OPERATORS;

/** A signed approval (or denial) of `pending` by `approver`. */
export function approvalStatement(
  idp: DevIdentityProvider,
  approver: string,
  groups: readonly string[],
  pending: Pick<PendingApproval, 'requestDigest' | 'workflowId' | 'runId' | 'stepId' | 'action' | 'argsDigest' | 'policyVersion'>,
  decision: 'approve' | 'deny' = 'approve',
  ttlSeconds = 600,
): Promise<string> {
  const { requestDigest, workflowId, runId, stepId, action, argsDigest, policyVersion } = pending;
  return idp.mintStatement({
    principal: approver,
    groups: [...groups],
    audience: APPROVAL_AUDIENCE,
    statement: { kind: 'approval', decision, requestDigest, workflowId, runId, stepId, action, argsDigest, policyVersion },
    ttlSeconds,
  });
}

/** `approvalStatement` for one of the test operators. */
export function approvalBy(idp: DevIdentityProvider, operator: Operator, pending: PendingApproval, decision: 'approve' | 'deny' = 'approve'): Promise<string> {
  return approvalStatement(idp, operator, OPERATORS[operator], pending, decision);
}

/** A signed revocation of one run. */
export function revocationBy(idp: DevIdentityProvider, operator: Operator, run: { workflowId: string; runId: string }, reason = 'suspected compromise'): Promise<string> {
  return idp.mintStatement({
    principal: operator,
    groups: [...OPERATORS[operator]],
    audience: REVOCATION_AUDIENCE,
    statement: { kind: 'revocation', workflowId: run.workflowId, runId: run.runId, reason },
  });
}

/** A signed engage of a namespace's kill switch. */
export function haltBy(idp: DevIdentityProvider, operator: Operator, namespace: string, reason = 'incident'): Promise<string> {
  return idp.mintStatement({
    principal: operator,
    groups: [...OPERATORS[operator]],
    audience: KILL_SWITCH_AUDIENCE,
    statement: { kind: 'kill-switch', engage: true, namespace, reason },
  });
}

/** A signed lift of a namespace's kill switch, naming the halt it lifts (the engaging statement's digest). */
export function resumeBy(idp: DevIdentityProvider, operator: Operator, namespace: string, lifts: string, reason = 'incident over'): Promise<string> {
  return idp.mintStatement({
    principal: operator,
    groups: [...OPERATORS[operator]],
    audience: KILL_SWITCH_AUDIENCE,
    statement: { kind: 'kill-switch', engage: false, namespace, lifts, reason },
  });
}
