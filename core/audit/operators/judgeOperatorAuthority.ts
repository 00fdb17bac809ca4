import type { CedarEntity } from '../../policy/policyEngine';
import type { OperatorEventCheck } from '../checks/checkOperatorEvents';
import type { OperatorEventRecord } from '../history/runRecord';
import type { EvidencePolicies } from './evidencePolicies';
import type { VerifiedStatementOf } from './identityTrust';

/**
 * Decides again whether the signer of a revocation or kill-switch statement had the
 * authority (Cedar `revokeWorkflow`, `operateKillSwitch`). The statement does not name the
 * policy set the worker judged it under, so the set is the one the run's latest decision
 * before the event cited (an artifact, or an approval request), or the evidence's only set;
 * when neither exists the authority is noted as not re-decided. OPERATOR_NOT_AUTHORIZED
 * when the set denies it.
 */
export function judgeOperatorAuthority(
  check: OperatorEventCheck,
  policies: EvidencePolicies,
  event: OperatorEventRecord,
  statement: VerifiedStatementOf<unknown>,
  action: string,
  resource: CedarEntity,
): void {
  const at = event.at.eventId;
  const digest = latestPolicyDigest(check, at) ?? policies.only;
  if (digest === null) {
    check.note(`event ${at}: the authority of ${statement.signer} to ${action} was not re-decided: the evidence holds several policy sets and the run cites none before the event`);
    return;
  }
  const judged = policies.judge(digest, statement.signer, statement.groups, action, resource);
  if (judged.status === 'unknown-policy-set') {
    check.note(`event ${at}: the authority of ${statement.signer} to ${action} was not re-decided: policy set ${digest} is not in the evidence`);
  } else if (judged.status === 'denied') {
    check.report('OPERATOR_NOT_AUTHORIZED', at, `${statement.signer} allowed to ${action} under policy set ${digest}`, judged.detail, 'the policy set does not give this operator that authority');
  }
}

function latestPolicyDigest(check: OperatorEventCheck, before: number): string | null {
  let digest: string | null = null;
  for (const step of check.steps) {
    const end = step.authorization.end;
    if (end.status !== 'completed' || end.at.eventId > before) continue;
    if (step.claims !== null) digest = step.claims.writ.policy.digest;
    else if (step.awaitingApproval && end.result.ok) {
      const requested = (end.result.value as { request?: { policyDigest?: unknown } } | null)?.request?.policyDigest;
      if (typeof requested === 'string') digest = requested;
    }
  }
  return digest;
}
