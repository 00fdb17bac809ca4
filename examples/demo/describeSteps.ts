import type { temporal } from '@temporalio/proto';
import { actionOutcome, approvalRequired, authorizationResult, governedStepsFromHistory } from 'writ-governance';

/** One printed line of the demo: a governed step as an operator wants to see it. */
export interface StepLine {
  readonly action: string;
  readonly decision: 'permit' | 'deny' | 'pending' | 'hold';
  readonly principal: string;
  readonly policyVersion: string;
  readonly artifactId: string;
  readonly outcome: string;
}

/** Summarises each governed step of a run's history for printing. */
export function describeSteps(history: temporal.api.history.v1.IHistory, principal: string): StepLine[] {
  return governedStepsFromHistory(history).map((step) => {
    const authorization = authorizationResult(step);
    const end = step.authorization.end;
    const held = approvalRequired(step);
    if (held !== undefined) {
      return {
        action: step.action,
        decision: 'hold',
        principal: held.request.initiator,
        policyVersion: held.request.policyVersion,
        artifactId: '-',
        outcome: `awaits ${held.request.required} approval(s) (${held.request.requiredBy.join(', ')})`,
      };
    }
    if (authorization === undefined) {
      // A policy denial records who was refused and under which policy version.
      const facts = (end.status === 'failed' ? end.details[0] : undefined) as { principal?: string; policyVersion?: string } | undefined;
      return {
        action: step.action,
        decision: end.status === 'pending' ? 'pending' : 'deny',
        principal: facts?.principal ?? principal,
        policyVersion: facts?.policyVersion ?? '-',
        artifactId: '-',
        outcome: end.status === 'failed' ? `denied ${end.code}: ${end.message}` : end.status,
      };
    }
    const outcome = actionOutcome(step);
    const execEnd = step.execution?.end;
    return {
      action: step.action,
      decision: 'permit',
      principal: authorization.principal,
      policyVersion: authorization.policyVersion,
      artifactId: authorization.artifactId,
      outcome: outcome !== undefined ? `executed, receipt signed${authorization.approvers.length > 0 ? `; approved by ${authorization.approvers.join(', ')}` : ''}` : execEnd?.status === 'failed' ? `refused ${execEnd.code}` : (execEnd?.status ?? 'not scheduled'),
    };
  });
}
