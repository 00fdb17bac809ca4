import { sha256Digest } from '../../canonical/digest';
import { isWritError } from '../../errors/writError';
import { ApprovalStatementSchema, APPROVAL_AUDIENCE, type ApprovalStatement } from '../../operators/statements';
import { APPROVAL_BINDING_FIELDS } from '../../operators/verifyApproval';
import { VERIFY_APPROVAL_ACTIVITY } from '../../protocol/operatorContract';
import type { OperatorEventCheck } from '../checks/checkOperatorEvents';
import type { ActivityRecord, OperatorEventRecord } from '../history/runRecord';
import { pendingAt, type PendingRequest } from './approvalRequests';
import { checkFreshness } from './checkFreshness';
import type { EvidencePolicies } from './evidencePolicies';
import type { IdentityTrust, VerifiedStatementOf } from './identityTrust';
import { completedValue, endText, statementActivity } from './statementActivity';
import { outcomeOf, updateOutcomes, type UpdateOutcome } from './updateOutcomes';

/** An approval or denial the run accepted (its update completed successfully). */
export interface AcceptedApproval {
  /** The WorkflowExecutionUpdateAccepted event. */
  readonly eventId: number;
  readonly statementDigest: string;
  /** Null when the statement did not verify or bind its request (already a finding). */
  readonly verified: {
    readonly signer: string;
    readonly decision: 'approve' | 'deny';
    readonly requestDigest: string;
  } | null;
}

/** What the approval checks share: the run, who initiated it, its requests, the trust. */
export interface ApprovalContext {
  readonly check: OperatorEventCheck;
  readonly identity: IdentityTrust;
  readonly policies: EvidencePolicies;
  readonly initiator: string | null;
  readonly requests: readonly PendingRequest[];
}

/**
 * Step: every `writ.approve` update. Its statement is verified with the identity provider's
 * keys at the moment the update was accepted (audience `writ-approval`) and must bind the
 * request then pending (digest recomputed from the run), and every field it names must be that
 * request's (APPROVAL_UNVERIFIED). An update the run accepted must
 * also: have its verification recorded (`writ.verifyApproval` completed for that statement,
 * naming its signer and digest) and answer for that signer, decision and count
 * (APPROVAL_OUTCOME_MISMATCH); not come from the initiator (APPROVAL_SELF); count each
 * approver once per request (APPROVAL_DUPLICATE_APPROVER); come from someone the policy
 * set lets approve the action (APPROVER_NOT_AUTHORIZED); be fresh when it arrived
 * (STATEMENT_STALE, its first use; presented again to a re-authorization, it is not judged
 * by age, as at the workers). An update the run refused
 * (completed with a failure) counted for nothing, and that is all it must do.
 */
export async function checkApprovalUpdates(events: readonly OperatorEventRecord[], approvals: ApprovalContext): Promise<AcceptedApproval[]> {
  const { check } = approvals;
  const outcomes = updateOutcomes(check.run.history);
  const claimed = new Set<ActivityRecord>();
  const accepted: AcceptedApproval[] = [];
  for (const event of events) {
    const at = event.at.eventId;
    if (event.kind !== 'update') {
      check.report('OPERATOR_EVENT_UNVERIFIED', at, 'writ.approve as an update (validated, answered, recorded)', `a ${event.kind}`, 'approvals arrive only as updates; this one cannot be verified');
      continue;
    }
    const outcome = outcomeOf(outcomes, at);
    const statement = event.args[0]?.ok === true ? event.args[0].value : undefined;
    const activity = statementActivity(check.record.activities, VERIFY_APPROVAL_ACTIVITY, statement, event.at, outcome, claimed);
    if (outcome.status !== 'accepted') continue; // refused or still open: it counted for nothing
    const verified = await verifyBound(approvals, event, statement);
    accepted.push({
      eventId: at,
      statementDigest: typeof statement === 'string' ? sha256Digest(statement) : '',
      verified: verified === null ? null : { signer: verified.statement.signer, decision: verified.statement.statement.decision, requestDigest: verified.request.digest },
    });
    if (verified === null) continue;
    checkFreshness(check, event, verified.statement);
    checkRecordedOutcome(approvals, event, verified.statement, activity, outcome, accepted, verified.request);
    checkSeparation(approvals, event, verified.statement, verified.request, accepted);
    checkAuthority(approvals, event, verified.statement, verified.request);
  }
  return accepted;
}

async function verifyBound(
  approvals: ApprovalContext,
  event: OperatorEventRecord,
  token: unknown,
): Promise<{ statement: VerifiedStatementOf<ApprovalStatement>; request: PendingRequest } | null> {
  const { check, identity } = approvals;
  const at = event.at.eventId;
  const unverified = (expected: string, found: string, message: string) => {
    check.report('APPROVAL_UNVERIFIED', at, expected, found, message);
    return null;
  };
  if (event.at.time === null) return unverified('an event time to verify the statement at', 'none', 'the approval cannot be judged without the time it arrived');
  let statement: VerifiedStatementOf<ApprovalStatement>;
  try {
    statement = await identity.verifyStatement(token, APPROVAL_AUDIENCE, ApprovalStatementSchema, event.at.time);
  } catch (error) {
    if (!isWritError(error)) throw error;
    return unverified(`an approval statement signed by ${identity.issuer} (audience ${APPROVAL_AUDIENCE}), valid at ${event.at.time.toISOString()}`, `${error.code}: ${error.message}`, 'the run accepted an approval whose statement does not verify');
  }
  const request = pendingAt(approvals.requests, at);
  if (request === undefined) return unverified('an approval request recorded before the update', 'none', 'the run accepted an approval while nothing awaited approval');
  if (statement.statement.requestDigest !== request.digest) {
    return unverified(`requestDigest ${request.digest} (recomputed for the request recorded at event ${request.recordedAt})`, `requestDigest ${statement.statement.requestDigest}`, 'the run accepted an approval of another request, run, step, argument set or policy set');
  }
  // As the enforcing side (verifyApproval): every binding field the statement names, not only its digest.
  const field = APPROVAL_BINDING_FIELDS.find((name) => statement.statement[name] !== request.bound[name]);
  if (field !== undefined) {
    return unverified(`${field} ${request.bound[field]} (recomputed for the request recorded at event ${request.recordedAt})`, `${field} ${statement.statement[field]}`, 'the run accepted an approval whose fields name another request than its digest');
  }
  return { statement, request };
}

function checkRecordedOutcome(
  approvals: ApprovalContext,
  event: OperatorEventRecord,
  statement: VerifiedStatementOf<ApprovalStatement>,
  activity: ActivityRecord | null,
  outcome: UpdateOutcome & { status: 'accepted' },
  accepted: readonly AcceptedApproval[],
  request: PendingRequest,
): void {
  const { check } = approvals;
  const at = event.at.eventId;
  const { signer, statementDigest } = statement;
  const decision = statement.statement.decision;
  const mismatch = (expected: string, found: string, message: string) => check.report('APPROVAL_OUTCOME_MISMATCH', at, expected, found, message);
  const result = completedValue(activity);
  if (result === null) {
    mismatch(`a completed ${VERIFY_APPROVAL_ACTIVITY} of this statement`, endText(activity), 'the run accepted an approval without a recorded verification');
  } else {
    const recorded = { approver: result['approver'], decision: result['decision'], statementDigest: result['statementDigest'] };
    const expected = { approver: signer, decision, statementDigest };
    if (JSON.stringify(recorded) !== JSON.stringify(expected)) mismatch(`verification ${JSON.stringify(expected)} (from the statement)`, `verification ${JSON.stringify(recorded)}`, 'the recorded verification disagrees with the statement it verified');
  }
  const counted = accepted.filter((a) => a.verified?.decision === 'approve' && a.verified.requestDigest === request.digest).length;
  const answer = outcome.answer.ok ? (outcome.answer.value as Record<string, unknown> | null) : null;
  const expectedAnswer = { accepted: true, decision, approver: signer, approvals: counted, required: request.request.required };
  const found = { accepted: answer?.['accepted'], decision: answer?.['decision'], approver: answer?.['approver'], approvals: answer?.['approvals'], required: answer?.['required'] };
  if (JSON.stringify(found) !== JSON.stringify(expectedAnswer)) {
    mismatch(`answer ${JSON.stringify(expectedAnswer)} (from the statement and the approvals before it)`, `answer ${JSON.stringify(found)} at event ${outcome.at.eventId}`, "the update's recorded answer disagrees with the approval it accepted");
  }
}

function checkSeparation(approvals: ApprovalContext, event: OperatorEventRecord, statement: VerifiedStatementOf<ApprovalStatement>, request: PendingRequest, accepted: readonly AcceptedApproval[]): void {
  const { check } = approvals;
  const at = event.at.eventId;
  const { signer } = statement;
  const initiator = approvals.initiator ?? request.request.initiator;
  if (signer === initiator) {
    check.report('APPROVAL_SELF', at, `an approver other than the initiator ${initiator}`, `${signer}`, 'the initiator of a request never approves it');
  }
  const mine = accepted.at(-1)!;
  const earlier = accepted.find((a) => a !== mine && a.verified?.signer === signer && a.verified.requestDigest === mine.verified?.requestDigest);
  if (earlier !== undefined) {
    check.report('APPROVAL_DUPLICATE_APPROVER', at, `one accepted decision per approver for request ${mine.verified?.requestDigest}`, `${signer} already decided at event ${earlier.eventId}`, 'each approver counts once');
  }
}

function checkAuthority(approvals: ApprovalContext, event: OperatorEventRecord, statement: VerifiedStatementOf<ApprovalStatement>, request: PendingRequest): void {
  const { check, policies, initiator } = approvals;
  const at = event.at.eventId;
  const { policyDigest, policySetId, policyVersion, action } = request.request;
  const judged = policies.judge(policyDigest, statement.signer, statement.groups, 'approveAction', {
    uid: { type: 'Writ::ApprovalRequest', id: request.digest },
    attrs: { action, initiator: initiator ?? request.request.initiator },
    parents: [],
  });
  if (judged.status === 'unknown-policy-set') {
    check.report('POLICY_SET_UNKNOWN', at, 'the policy set the approval request names, in the evidence', `${policySetId}@${policyVersion} with digest ${policyDigest}`, "the approver's authority cannot be decided: the evidence does not hold the policy set");
  } else if (judged.status === 'denied') {
    check.report('APPROVER_NOT_AUTHORIZED', at, `${statement.signer} allowed to approve ${action} under ${policySetId}@${policyVersion}`, judged.detail, 'the policy set does not let this approver approve the action');
  }
}
