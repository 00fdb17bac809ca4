import { sha256Digest } from '../canonical/digest';
import { executionOutcome } from './checks/checkExecution';
import type { GovernedStep } from './checks/pairGovernedSteps';
import type { AuditedStep } from './types';

interface DenialFacts {
  readonly principal?: unknown;
  readonly policySetId?: unknown;
  readonly policyVersion?: unknown;
}

/**
 * A governed step as the verdict reports it. Who, under which policy and which artifact
 * come from the verified claims when the artifact verified; for a denial (which mints
 * nothing) from the facts the denial recorded, which are unsigned and shown as recorded.
 */
export function buildAuditedStep(step: GovernedStep): AuditedStep {
  const end = step.authorization.end;
  const claims = step.claims;
  const permit = step.permit;
  const decision: AuditedStep['decision'] = permit !== null ? 'permit' : end.status === 'pending' || step.awaitingApproval ? 'pending' : 'deny';
  const facts = (end.status === 'failed' && end.details[0]?.ok ? end.details[0].value : null) as DenialFacts | null;
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const approval = (claims?.writ as { approval?: { approvers?: readonly { approver: string }[] } } | undefined)?.approval;
  return {
    stepId: step.request?.stepId ?? claims?.writ.runtime.stepId ?? '',
    action: step.request?.action ?? step.action?.activityType ?? '',
    activityId: step.request?.activityId ?? step.action?.activityId ?? '',
    decision,
    denialCode: decision === 'deny' ? (end.status === 'failed' ? (end.code ?? 'UNKNOWN') : end.status === 'pending' ? null : end.status.toUpperCase().replace('-', '_')) : null,
    principal: claims?.sub ?? permit?.principal ?? text(facts?.principal),
    policySetId: claims?.writ.policy.setId ?? permit?.policySetId ?? text(facts?.policySetId),
    policyVersion: claims?.writ.policy.version ?? permit?.policyVersion ?? text(facts?.policyVersion),
    artifactId: claims?.jti ?? permit?.artifactId ?? null,
    artifactDigest: permit === null ? null : sha256Digest(permit.artifact),
    approvers: (approval?.approvers ?? []).map((entry) => entry.approver),
    outcome: decision === 'deny' ? 'not-scheduled' : decision === 'pending' ? 'pending' : outcomeOf(step),
    lineage: claims?.writ.lineage ?? step.request?.lineage ?? null,
    authorizeEventId: step.authorization.scheduled.eventId,
    actionEventId: step.action?.scheduled.eventId ?? null,
  };
}

function outcomeOf(step: GovernedStep): AuditedStep['outcome'] {
  const outcome = executionOutcome(step.action);
  return outcome.kind;
}
