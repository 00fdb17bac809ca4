import { temporal } from '@temporalio/proto';
import { decodePayload, decodePayloads, type Decoded, type Payload } from './decodePayload';
import { IDENTITY_HEADER, LINEAGE_HEADER } from '../../protocol/headers';
import { readLocalActivityMarker, type LocalActivityMarker } from '../../history/localActivityMarker';

const temporalEnums = temporal.api.enums.v1;
type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure | null | undefined;

/** Where something happened: the event id and the server's time for it. */
export interface EventMark {
  readonly eventId: number;
  readonly time: Date | null;
}

/** How an activity ended, as recorded. */
export type ActivityEndRecord =
  | { readonly status: 'completed'; readonly at: EventMark; readonly result: Decoded }
  | { readonly status: 'failed'; readonly at: EventMark; readonly code: string | null; readonly message: string; readonly details: readonly Decoded[] }
  | { readonly status: 'timed-out' | 'canceled'; readonly at: EventMark }
  | { readonly status: 'pending' };

/**
 * One activity of the run: scheduled, maybe started, maybe ended. A local activity has one
 * event, its marker: it is `scheduled` and ends there, `started` is the workflow task it
 * ran in, and its input is not recorded (`args` empty).
 */
export interface ActivityRecord {
  readonly scheduled: EventMark;
  /** True for a local activity, read from its `core_local_activity` marker. */
  readonly local: boolean;
  readonly activityId: string;
  readonly activityType: string;
  readonly taskQueue: string;
  readonly args: readonly Decoded[];
  readonly headers: Readonly<Record<string, Payload>>;
  started: (EventMark & { readonly attempt: number }) | null;
  end: ActivityEndRecord;
}

/** A child workflow the run started. */
export interface ChildRecord {
  readonly initiated: EventMark;
  readonly workflowId: string;
  readonly workflowType: string;
  readonly lineageHeader: Decoded | null;
  started: { readonly eventId: number; readonly runId: string } | null;
}

/** A signal or update sent to the run: operators act through these. */
export interface OperatorEventRecord {
  readonly at: EventMark;
  readonly kind: 'signal' | 'update';
  readonly name: string;
  readonly args: readonly Decoded[];
}

/** The run's first event, as far as the auditor needs it. */
export interface RunStart {
  readonly at: EventMark;
  readonly workflowType: string;
  readonly taskQueue: string;
  readonly workflowId: string | null;
  readonly originalRunId: string | null;
  readonly identityToken: Decoded | null;
  readonly lineageHeader: Decoded | null;
  readonly parent: { readonly workflowId: string; readonly runId: string } | null;
  readonly continuedFrom: string | null;
}

/** How the run ended, when it has. */
export interface RunEnd {
  readonly at: EventMark;
  readonly kind: 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed-out' | 'continued-as-new';
  /** For continue-as-new: the next run and the lineage header it was started with. */
  readonly newRunId?: string;
  readonly lineageHeader?: Decoded | null;
}

/** Something structurally wrong with the history itself. */
export interface MalformedIssue {
  readonly eventId: number | null;
  readonly expected: string;
  readonly found: string;
}

/** A run's history read into what the checker needs; nothing in it is trusted yet. */
export interface RunRecord {
  readonly start: RunStart | null;
  readonly activities: readonly ActivityRecord[];
  readonly children: readonly ChildRecord[];
  readonly operatorEvents: readonly OperatorEventRecord[];
  readonly end: RunEnd | null;
  readonly eventCount: number;
  /** True when the run was reset (its original run id then names the run it was reset from). */
  readonly reset: boolean;
  readonly malformed: readonly MalformedIssue[];
}

/**
 * Reads a run's history strictly: every activity with its scheduled input, headers and task
 * queue, its started event (time and attempt) and how it ended; the children it started;
 * signals and updates; how the run started and ended. Unlike `governedStepsFromHistory` it
 * sees every activity, not only the ones an authorization names, and it records what is
 * structurally wrong (ids out of sequence, time running backwards, an end without its
 * start) instead of trusting the server's bookkeeping.
 */
export function readRunRecord(history: History): RunRecord {
  const events = history.events ?? [];
  const malformed: MalformedIssue[] = [];
  const activities: ActivityRecord[] = [];
  const byScheduledId = new Map<number, ActivityRecord>();
  const children: ChildRecord[] = [];
  const childByInitiatedId = new Map<number, ChildRecord>();
  const operatorEvents: OperatorEventRecord[] = [];
  let start: RunStart | null = null;
  let end: RunEnd | null = null;
  let previousTime: Date | null = null;
  let previousId = 0;
  let reset = false;
  // The workflow task a local activity began in: the first to start after the last event
  // that could have woken the workflow (a local activity that outlasts a workflow task is
  // carried through further tasks, with no other event, until its marker is written).
  let taskStartedSinceWake: EventMark | null = null;

  const activityFor = (scheduledEventId: unknown, at: EventMark, what: string): ActivityRecord | undefined => {
    const activity = byScheduledId.get(Number(scheduledEventId));
    if (activity === undefined) {
      malformed.push({ eventId: at.eventId, expected: `${what} for a scheduled activity`, found: `scheduled event ${String(scheduledEventId)} is not an earlier activity` });
    }
    return activity;
  };
  const endActivity = (activity: ActivityRecord | undefined, endRecord: ActivityEndRecord & { at: EventMark }) => {
    if (activity === undefined) return;
    if (activity.end.status !== 'pending') {
      malformed.push({ eventId: endRecord.at.eventId, expected: 'one end per activity', found: `activity ${activity.activityId} already ended at event ${activity.end.at.eventId}` });
      return;
    }
    activity.end = endRecord;
  };

  events.forEach((event, index) => {
    const at = markOf(event);
    // One gap or repeat is one finding: the count resumes from the id found.
    if (at.eventId !== previousId + 1) malformed.push({ eventId: at.eventId, expected: `event id ${previousId + 1}`, found: `event id ${at.eventId}` });
    previousId = at.eventId;
    // Every check of time (windows, key periods, issue times) needs it: no time, no pass.
    if (at.time === null) malformed.push({ eventId: at.eventId, expected: 'an event time', found: 'none, or not a valid instant' });
    // Temporal writes an activity's started event only when the activity ends, stamped
    // with when it really started, and holds back an activity's end while a workflow task
    // is in flight, writing it after that task's events with the time it really ended: with
    // activities running at once, either may precede the events just before it. Every other
    // event's time never goes back.
    const writtenLate = isActivityProgress(event);
    if (!writtenLate && at.time !== null && previousTime !== null && at.time.getTime() < previousTime.getTime()) {
      malformed.push({ eventId: at.eventId, expected: `a time at or after ${previousTime.toISOString()}`, found: at.time.toISOString() });
    }
    if (at.time !== null && !writtenLate) previousTime = at.time;
    if (end !== null) malformed.push({ eventId: at.eventId, expected: 'no event after the run ended', found: eventKind(event) });

    if (!isWorkflowTaskBookkeeping(event)) taskStartedSinceWake = null;

    const started = event.workflowExecutionStartedEventAttributes;
    if (started) {
      if (index !== 0) malformed.push({ eventId: at.eventId, expected: 'the run to start once, at event 1', found: 'another start event' });
      else start = readStart(at, started);
      return;
    }
    if (index === 0) malformed.push({ eventId: at.eventId, expected: 'event 1 to start the run', found: eventKind(event) });

    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const activity: ActivityRecord = {
        scheduled: at,
        local: false,
        activityId: scheduled.activityId ?? '',
        activityType: scheduled.activityType?.name ?? '',
        taskQueue: scheduled.taskQueue?.name ?? '',
        args: decodePayloads(scheduled.input?.payloads),
        headers: (scheduled.header?.fields ?? {}) as Record<string, Payload>,
        started: null,
        end: { status: 'pending' },
      };
      activities.push(activity);
      byScheduledId.set(at.eventId, activity);
      return;
    }
    const activityStarted = event.activityTaskStartedEventAttributes;
    if (activityStarted) {
      const activity = activityFor(activityStarted.scheduledEventId, at, 'a start');
      if (activity === undefined) return;
      if (activity.started !== null || activity.end.status !== 'pending') {
        malformed.push({ eventId: at.eventId, expected: 'one start per activity, before its end', found: `activity ${activity.activityId} started again` });
        return;
      }
      activity.started = { ...at, attempt: Number(activityStarted.attempt ?? 1) };
      return;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const activity = activityFor(completed.scheduledEventId, at, 'a completion');
      requireStarted(activity, at, malformed);
      endActivity(activity, { status: 'completed', at, result: decodePayload(completed.result?.payloads?.[0] as Payload | undefined) });
      return;
    }
    const failed = event.activityTaskFailedEventAttributes;
    if (failed) {
      const activity = activityFor(failed.scheduledEventId, at, 'a failure');
      requireStarted(activity, at, malformed);
      endActivity(activity, { status: 'failed', at, ...failureOf(failed.failure) });
      return;
    }
    const timedOut = event.activityTaskTimedOutEventAttributes;
    if (timedOut) {
      endActivity(activityFor(timedOut.scheduledEventId, at, 'a timeout'), { status: 'timed-out', at });
      return;
    }
    const canceled = event.activityTaskCanceledEventAttributes;
    if (canceled) {
      endActivity(activityFor(canceled.scheduledEventId, at, 'a cancellation'), { status: 'canceled', at });
      return;
    }
    if (event.workflowTaskStartedEventAttributes) {
      taskStartedSinceWake ??= at;
      return;
    }
    const localRead = readLocalActivityMarker(event);
    if (localRead !== null) {
      if (!localRead.ok) {
        malformed.push({ eventId: at.eventId, expected: 'a local activity marker that reads (activity id, type, attempt; one result or a failure)', found: localRead.reason });
        return;
      }
      activities.push(localActivityRecord(at, localRead.marker, taskStartedSinceWake, start?.taskQueue ?? ''));
      return;
    }
    const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (initiated) {
      const fields = (initiated.header?.fields ?? {}) as Record<string, Payload>;
      const child: ChildRecord = {
        initiated: at,
        workflowId: initiated.workflowId ?? '',
        workflowType: initiated.workflowType?.name ?? '',
        lineageHeader: fields[LINEAGE_HEADER] === undefined ? null : decodePayload(fields[LINEAGE_HEADER]),
        started: null,
      };
      children.push(child);
      childByInitiatedId.set(at.eventId, child);
      return;
    }
    const childStarted = event.childWorkflowExecutionStartedEventAttributes;
    if (childStarted) {
      const child = childByInitiatedId.get(Number(childStarted.initiatedEventId));
      if (child === undefined) {
        malformed.push({ eventId: at.eventId, expected: 'a child start for an initiated child', found: `initiated event ${String(childStarted.initiatedEventId)} is not an earlier child` });
        return;
      }
      child.started = { eventId: at.eventId, runId: childStarted.workflowExecution?.runId ?? '' };
      return;
    }
    const signaled = event.workflowExecutionSignaledEventAttributes;
    if (signaled) {
      operatorEvents.push({ at, kind: 'signal', name: signaled.signalName ?? '', args: decodePayloads(signaled.input?.payloads) });
      return;
    }
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted) {
      const input = accepted.acceptedRequest?.input;
      operatorEvents.push({ at, kind: 'update', name: input?.name ?? '', args: decodePayloads(input?.args?.payloads) });
      return;
    }
    if (event.workflowTaskFailedEventAttributes?.cause === temporalEnums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW) reset = true;
    const runEnd = runEndOf(event, at);
    if (runEnd !== null) end = runEnd;
  });

  return { start, activities, children, operatorEvents, end, eventCount: events.length, reset, malformed };
}

/**
 * A local activity as an activity record: scheduled and ended at its marker, started in
 * the workflow task before it (when the task's events are in the history), on the run's
 * own task queue, where the workflow's worker runs its local activities.
 */
function localActivityRecord(at: EventMark, marker: LocalActivityMarker, taskStarted: EventMark | null, taskQueue: string): ActivityRecord {
  const end: ActivityEndRecord =
    marker.failure === null ? { status: 'completed', at, result: decodePayload(marker.result) } : { status: 'failed', at, ...failureOf(marker.failure) };
  return {
    scheduled: at,
    local: true,
    activityId: marker.activityId,
    activityType: marker.activityType,
    taskQueue,
    args: [],
    headers: {},
    started: taskStarted === null ? null : { ...taskStarted, attempt: marker.attempt },
    end,
  };
}

function readStart(at: EventMark, started: temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes): RunStart {
  const fields = (started.header?.fields ?? {}) as Record<string, Payload>;
  const parent = started.parentWorkflowExecution;
  return {
    at,
    workflowType: started.workflowType?.name ?? '',
    taskQueue: started.taskQueue?.name ?? '',
    workflowId: nonEmpty(started.workflowId),
    originalRunId: nonEmpty(started.originalExecutionRunId),
    identityToken: fields[IDENTITY_HEADER] === undefined ? null : decodePayload(fields[IDENTITY_HEADER]),
    lineageHeader: fields[LINEAGE_HEADER] === undefined ? null : decodePayload(fields[LINEAGE_HEADER]),
    parent: parent?.workflowId ? { workflowId: parent.workflowId, runId: parent.runId ?? '' } : null,
    continuedFrom: nonEmpty(started.continuedExecutionRunId),
  };
}

function runEndOf(event: HistoryEvent, at: EventMark): RunEnd | null {
  if (event.workflowExecutionCompletedEventAttributes) return { at, kind: 'completed' };
  if (event.workflowExecutionFailedEventAttributes) return { at, kind: 'failed' };
  if (event.workflowExecutionCanceledEventAttributes) return { at, kind: 'canceled' };
  if (event.workflowExecutionTerminatedEventAttributes) return { at, kind: 'terminated' };
  if (event.workflowExecutionTimedOutEventAttributes) return { at, kind: 'timed-out' };
  const continued = event.workflowExecutionContinuedAsNewEventAttributes;
  if (continued) {
    const fields = (continued.header?.fields ?? {}) as Record<string, Payload>;
    return {
      at,
      kind: 'continued-as-new',
      newRunId: continued.newExecutionRunId ?? '',
      lineageHeader: fields[LINEAGE_HEADER] === undefined ? null : decodePayload(fields[LINEAGE_HEADER]),
    };
  }
  return null;
}

function requireStarted(activity: ActivityRecord | undefined, at: EventMark, malformed: MalformedIssue[]): void {
  if (activity !== undefined && activity.started === null) {
    malformed.push({ eventId: at.eventId, expected: `activity ${activity.activityId} to start before it ends`, found: 'an end without a start' });
  }
}

/** The innermost application failure: activity failures can arrive wrapped. */
function failureOf(failure: Failure): { code: string | null; message: string; details: Decoded[] } {
  let inner = failure;
  while (inner?.cause && !inner.applicationFailureInfo) inner = inner.cause;
  return {
    code: inner?.applicationFailureInfo?.type || null,
    message: inner?.message ?? '',
    details: decodePayloads(inner?.applicationFailureInfo?.details?.payloads),
  };
}

function markOf(event: HistoryEvent): EventMark {
  return { eventId: Number(event.eventId ?? 0), time: timeOf(event.eventTime) };
}

/**
 * A protobuf Timestamp as a Date. Its seconds arrive as a number, a string or a Long
 * depending on how the history was read, so they are converted by value (the SDK's own
 * helper expects a Long). Null when the time is missing or not a valid instant.
 */
function timeOf(timestamp: HistoryEvent['eventTime']): Date | null {
  if (timestamp === null || timestamp === undefined) return null;
  const seconds = Number(timestamp.seconds ?? 0);
  const nanos = Number(timestamp.nanos ?? 0);
  const time = new Date(seconds * 1000 + Math.floor(nanos / 1_000_000));
  return Number.isFinite(time.getTime()) ? time : null;
}

/** A short name for an event, for findings: its attributes member without the suffix. */
export function eventKind(event: HistoryEvent): string {
  const key = Object.keys(event).find((name) => name.endsWith('EventAttributes') && (event as Record<string, unknown>)[name]);
  return key === undefined ? 'an unknown event' : key.replace(/EventAttributes$/, '');
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

/** A workflow task's own events and markers: none of them wakes the workflow. */
function isWorkflowTaskBookkeeping(event: HistoryEvent): boolean {
  return Boolean(
    event.workflowTaskScheduledEventAttributes ??
      event.workflowTaskStartedEventAttributes ??
      event.workflowTaskCompletedEventAttributes ??
      event.workflowTaskFailedEventAttributes ??
      event.workflowTaskTimedOutEventAttributes ??
      event.markerRecordedEventAttributes,
  );
}

/** An activity's started or end event: written when it happens or later, stamped with when it happened. */
function isActivityProgress(event: HistoryEvent): boolean {
  return Boolean(
    event.activityTaskStartedEventAttributes ??
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes,
  );
}
