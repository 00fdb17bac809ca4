import type { z } from 'zod';
import { isWritError } from '../../errors/writError';
import type { OperatorEventCheck } from '../checks/checkOperatorEvents';
import type { FindingCode } from '../types';
import type { ActivityRecord, EventMark, OperatorEventRecord } from '../history/runRecord';
import type { IdentityTrust, VerifiedStatementOf } from './identityTrust';
import { checkFreshness } from './checkFreshness';
import { completedValue, endText, statementActivity } from './statementActivity';
import type { UpdateOutcome } from './updateOutcomes';

/** How one kind of operator act (revocation, kill switch) is recorded and what it must bind. */
export interface StatementUpdateKind<S extends z.ZodType> {
  /** The finding for anything wrong with it. */
  readonly code: FindingCode;
  readonly audience: string;
  readonly schema: S;
  /** The activity that verifies and applies it (`writ.applyRevocation`, `writ.applyKillSwitch`). */
  readonly activityType: string;
  /** What the statement must name (this run, this namespace): null when it does, else what it names instead. */
  bindingError(statement: z.infer<S>, check: OperatorEventCheck): { expected: string; found: string } | null;
}

/** An operator act the run applied: its verified statement and where its application was recorded. */
export interface AppliedStatement<T> {
  readonly statement: VerifiedStatementOf<T>;
  /** The completion of the activity that applied it. */
  readonly appliedAt: EventMark;
}

/**
 * Step: one revocation or kill-switch update. Whatever the update's outcome, an activity
 * that applied the statement (completed) means the act took effect, so it is judged; an
 * update refused with nothing applied counted for nothing. A judged act must have a
 * statement signed by the identity provider for its audience, valid when the update arrived,
 * naming what it acts on; its activity's result must name the signer, the statement's digest
 * and reason; and the update must answer with that result. Anything else is `kind.code`.
 * A statement that was not fresh when the update arrived is STATEMENT_STALE (and still
 * judged further: the act took effect).
 */
export async function checkStatementUpdate<S extends z.ZodType>(
  kind: StatementUpdateKind<S>,
  event: OperatorEventRecord,
  outcome: UpdateOutcome,
  identity: IdentityTrust,
  check: OperatorEventCheck,
  claimed: Set<ActivityRecord>,
): Promise<AppliedStatement<z.infer<S>> | null> {
  const at = event.at.eventId;
  const fail = (expected: string, found: string, message: string) => {
    check.report(kind.code, at, expected, found, message);
    return null;
  };
  if (event.kind !== 'update') {
    check.report('OPERATOR_EVENT_UNVERIFIED', at, `${event.name} as an update (validated, answered, recorded)`, `a ${event.kind}`, `${event.name} arrives only as an update; this one cannot be verified`);
    return null;
  }
  const token = event.args[0]?.ok === true ? event.args[0].value : undefined;
  const activity = statementActivity(check.record.activities, kind.activityType, token, event.at, outcome, claimed);
  const result = completedValue(activity);
  if (outcome.status !== 'accepted' && result === null) return null; // refused, nothing applied
  if (outcome.status !== 'accepted') return fail(`${event.name} refused with nothing applied`, `${endText(activity)}, but the update ${outcome.status === 'open' ? 'never completed' : 'was refused'}`, 'the history applied an operator act its update did not accept');
  if (event.at.time === null) return fail('an event time to verify the statement at', 'none', 'the statement cannot be judged without the time it arrived');
  let statement: VerifiedStatementOf<z.infer<S>>;
  try {
    statement = await identity.verifyStatement(token, kind.audience, kind.schema, event.at.time);
  } catch (error) {
    if (!isWritError(error)) throw error;
    return fail(`a statement signed by ${identity.issuer} (audience ${kind.audience}), valid at ${event.at.time.toISOString()}`, `${error.code}: ${error.message}`, `the run accepted ${event.name} with a statement that does not verify`);
  }
  const binding = kind.bindingError(statement.statement, check);
  if (binding !== null) return fail(binding.expected, binding.found, `the run accepted ${event.name} for something else than it acts on`);
  checkFreshness(check, event, statement);
  if (result === null || activity === null || activity.end.status !== 'completed') {
    return fail(`a completed ${kind.activityType} of this statement`, endText(activity), `the run accepted ${event.name} without a recorded verification`);
  }
  const reason = (statement.statement as { reason?: unknown }).reason;
  const expected = { by: statement.signer, statementDigest: statement.statementDigest, reason };
  const recorded = { by: result['by'], statementDigest: result['statementDigest'], reason: result['reason'] };
  if (JSON.stringify(recorded) !== JSON.stringify(expected)) {
    return fail(`${kind.activityType} result ${JSON.stringify(expected)} (from the statement)`, JSON.stringify(recorded), 'the recorded application disagrees with the statement it applied');
  }
  const answer = outcome.answer.ok ? outcome.answer.value : undefined;
  if (JSON.stringify(answer) !== JSON.stringify(result)) {
    return fail(`the answer ${JSON.stringify(result)} (the ${kind.activityType} result)`, `${JSON.stringify(answer)} at event ${outcome.at.eventId}`, "the update's recorded answer disagrees with what was applied");
  }
  return { statement, appliedAt: activity.end.at };
}

/**
 * Step: an act applied with no update that carried it (its activity completed, but no
 * accepted update of its name claims it). Only the update handler runs these activities,
 * so the update was cut out of the history; the act took effect unverified.
 */
export function checkNothingAppliedUnclaimed<S extends z.ZodType>(kind: StatementUpdateKind<S>, updateName: string, check: OperatorEventCheck, claimed: ReadonlySet<ActivityRecord>): void {
  for (const activity of check.record.activities) {
    if (activity.activityType !== kind.activityType || claimed.has(activity) || activity.end.status !== 'completed') continue;
    check.report(kind.code, activity.scheduled.eventId, `an accepted ${updateName} update carrying the statement ${kind.activityType} applied`, `${endText(activity)} with no such update`, 'an operator act took effect without the update that must carry it');
  }
}
