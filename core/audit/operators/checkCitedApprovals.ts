import { approvalRequestDigest } from '../../operators/approvalRequestDigest';
import type { GovernedStep } from '../checks/pairGovernedSteps';
import type { AcceptedApproval, ApprovalContext } from './checkApprovalUpdates';

/**
 * Step: what every verified artifact says about approvals (`writ.approval`). The request
 * its approvals must bind is recomputed from the artifact's own signed claims (run, step,
 * action, arguments digest, policy set). Every approver it lists must be an approval the run
 * accepted before this authorization, whose statement hashes to the cited
 * `statementDigest` and was signed by that approver (APPROVAL_NOT_RECORDED), for that very
 * request (APPROVAL_UNVERIFIED); listed once (APPROVAL_DUPLICATE_APPROVER); at least as
 * many as required, by the artifact and by the
 * request the step recorded (APPROVAL_COUNT_SHORT); and no accepted denial of the request
 * may precede the permit (APPROVAL_DENIAL_IGNORED).
 */
export function checkCitedApprovals(approvals: ApprovalContext, accepted: readonly AcceptedApproval[]): void {
  for (const step of approvals.check.steps) {
    if (step.claims?.writ.approval !== undefined && step.authorization.end.status === 'completed') checkStep(approvals, accepted, step);
  }
}

function checkStep(approvals: ApprovalContext, accepted: readonly AcceptedApproval[], step: GovernedStep): void {
  const { check } = approvals;
  const claims = step.claims!;
  const approval = claims.writ.approval!;
  const at = step.authorization.end.status === 'completed' ? step.authorization.end.at.eventId : step.authorization.scheduled.eventId;
  const before = accepted.filter((a) => a.eventId < step.authorization.scheduled.eventId);
  const { runtime, intent, policy } = claims.writ;
  const digest = approvalRequestDigest({ workflowId: runtime.workflowId, runId: runtime.runId, stepId: runtime.stepId, action: intent.action, argsDigest: intent.argsDigest, policyDigest: policy.digest });
  const listed = new Set<string>();
  for (const cited of approval.approvers) {
    if (listed.has(cited.approver)) {
      check.report('APPROVAL_DUPLICATE_APPROVER', at, 'each approver listed once', `${cited.approver} listed twice by artifact ${claims.jti}`, 'each approver counts once');
      continue;
    }
    listed.add(cited.approver);
    const found = before.find((a) => a.statementDigest === cited.statementDigest);
    const notRecorded = (detail: string) =>
      check.report('APPROVAL_NOT_RECORDED', at, `an approval by ${cited.approver} with statement ${cited.statementDigest}, accepted before event ${step.authorization.scheduled.eventId}`, detail, `artifact ${claims.jti} cites an approval the history does not record`);
    if (found === undefined) notRecorded('no accepted writ.approve update carries that statement');
    else if (found.verified === null) continue; // its statement did not verify: reported at its update
    else if (found.verified.decision !== 'approve') notRecorded(`the statement at event ${found.eventId} is a denial`);
    else if (found.verified.signer !== cited.approver) notRecorded(`the statement at event ${found.eventId} was signed by ${found.verified.signer}`);
    else if (found.verified.requestDigest !== digest) {
      check.report('APPROVAL_UNVERIFIED', at, `an approval of request ${digest} (recomputed from artifact ${claims.jti})`, `the approval at event ${found.eventId} binds request ${found.verified.requestDigest}`, 'the artifact cites an approval of another request');
    }
  }
  const recorded = approvals.requests.filter((r) => r.digest === digest && r.recordedAt < step.authorization.scheduled.eventId).at(-1);
  const required = Math.max(approval.required, recorded?.request.required ?? 0);
  if (listed.size < required) {
    const source = recorded !== undefined && recorded.request.required > approval.required ? `the request recorded at event ${recorded.recordedAt}` : `artifact ${claims.jti}`;
    check.report('APPROVAL_COUNT_SHORT', at, `${required} distinct approvers (required by ${source})`, `${listed.size}: ${[...listed].join(', ') || 'none'}`, 'the artifact permits the action with fewer approvals than required');
  }
  const denial = before.find((a) => a.verified?.decision === 'deny' && a.verified.requestDigest === digest);
  if (denial !== undefined) {
    check.report('APPROVAL_DENIAL_IGNORED', at, `no permit for request ${digest} after its denial`, `denied by ${denial.verified!.signer} at event ${denial.eventId}; permitted by artifact ${claims.jti}`, 'a verified denial ends the request; the step authorized it anyway');
  }
}
