import type { temporal } from '@temporalio/proto';
import { decodePayload, type Decoded, type Payload } from '../history/decodePayload';
import type { EventMark } from '../history/runRecord';

type History = temporal.api.history.v1.IHistory;
type Failure = temporal.api.failure.v1.IFailure | null | undefined;

/**
 * How an update the workflow accepted ended, as history records it: completed with the
 * handler's answer, refused (the handler failed, with its code), or still open.
 */
export type UpdateOutcome =
  | { readonly status: 'accepted'; readonly at: EventMark; readonly answer: Decoded }
  | { readonly status: 'refused'; readonly at: EventMark; readonly code: string | null; readonly message: string }
  | { readonly status: 'open' };

/**
 * The outcome of every accepted update, by the id of its WorkflowExecutionUpdateAccepted
 * event (a WorkflowExecutionUpdateCompleted event names it as `acceptedEventId`). An update
 * rejected by its validator never reaches history; one accepted and then refused by its
 * handler completes with a failure. A second completion of the same update is ignored here
 * (the first is what the workflow answered).
 */
export function updateOutcomes(history: History): ReadonlyMap<number, UpdateOutcome> {
  const outcomes = new Map<number, UpdateOutcome>();
  for (const event of history.events ?? []) {
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (!completed) continue;
    const acceptedId = Number(completed.acceptedEventId ?? 0);
    if (outcomes.has(acceptedId)) continue;
    const at: EventMark = { eventId: Number(event.eventId ?? 0), time: timeOf(event.eventTime) };
    const outcome = completed.outcome;
    if (outcome?.failure) {
      outcomes.set(acceptedId, { status: 'refused', at, ...failureOf(outcome.failure) });
    } else {
      outcomes.set(acceptedId, { status: 'accepted', at, answer: decodePayload(outcome?.success?.payloads?.[0] as Payload | undefined) });
    }
  }
  return outcomes;
}

/** The outcome of the update accepted at `acceptedEventId` (open when it never completed). */
export function outcomeOf(outcomes: ReadonlyMap<number, UpdateOutcome>, acceptedEventId: number): UpdateOutcome {
  return outcomes.get(acceptedEventId) ?? { status: 'open' };
}

function failureOf(failure: Failure): { code: string | null; message: string } {
  let inner = failure;
  while (inner?.cause && !inner.applicationFailureInfo) inner = inner.cause;
  return { code: inner?.applicationFailureInfo?.type || null, message: inner?.message ?? '' };
}

function timeOf(timestamp: temporal.api.history.v1.IHistoryEvent['eventTime']): Date | null {
  if (timestamp === null || timestamp === undefined) return null;
  const time = new Date(Number(timestamp.seconds ?? 0) * 1000 + Math.floor(Number(timestamp.nanos ?? 0) / 1_000_000));
  return Number.isFinite(time.getTime()) ? time : null;
}
