import type { ActivityRecord, EventMark } from '../history/runRecord';
import type { UpdateOutcome } from './updateOutcomes';

/**
 * The activity that verified an operator's statement for one update: the first activity of
 * `activityType` scheduled after the update was accepted (and before it completed) whose
 * input carries that very statement, and that no earlier update already claimed. The
 * update handler verifies in an activity precisely so that this verdict is in history.
 */
export function statementActivity(
  activities: readonly ActivityRecord[],
  activityType: string,
  statement: unknown,
  accepted: EventMark,
  outcome: UpdateOutcome,
  claimed: Set<ActivityRecord>,
): ActivityRecord | null {
  const until = outcome.status === 'open' ? Number.MAX_SAFE_INTEGER : outcome.at.eventId;
  const found = activities.find((activity) => {
    if (activity.activityType !== activityType || claimed.has(activity)) return false;
    if (activity.scheduled.eventId <= accepted.eventId || activity.scheduled.eventId >= until) return false;
    const input = activity.args[0];
    return input?.ok === true && (input.value as { statement?: unknown } | null)?.statement === statement;
  });
  if (found === undefined) return null;
  claimed.add(found);
  return found;
}

/** The value an activity completed with, or null when it did not complete (or it cannot be read). */
export function completedValue(activity: ActivityRecord | null): Record<string, unknown> | null {
  if (activity === null || activity.end.status !== 'completed' || !activity.end.result.ok) return null;
  const value = activity.end.result.value;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

/** How an activity ended, in a few words, for a finding. */
export function endText(activity: ActivityRecord | null): string {
  if (activity === null) return 'no verification activity for this statement';
  const end = activity.end;
  if (end.status === 'failed') return `the verification at event ${activity.scheduled.eventId} failed${end.code ? ` (${end.code})` : ''}`;
  if (end.status === 'completed') return `the verification at event ${activity.scheduled.eventId} completed`;
  return `the verification at event ${activity.scheduled.eventId} is ${end.status}`;
}
