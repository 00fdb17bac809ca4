import type { Payload } from '@temporalio/common';
import { payloadConverter } from '../payload/strictPayloadConverter';
import type { temporal } from '@temporalio/proto';
import { AUTHORIZE_ACTIVITY, type ActionOutcome, type ApprovalRequired, type AuthorizeOutcome, type AuthorizeRequest, type AuthorizeResult } from '../protocol/authorizeContract';
import { ARTIFACT_HEADER } from '../protocol/headers';
import { readLocalActivityMarker } from './localActivityMarker';

type Failure = temporal.api.failure.v1.IFailure | null | undefined;

/** How an activity ended, as the history records it. */
export type ActivityEnd =
  | { readonly status: 'completed'; readonly eventId: number; readonly result: unknown }
  | { readonly status: 'failed'; readonly eventId: number; readonly code: string; readonly message: string; readonly details: unknown[] }
  | { readonly status: 'timed-out' | 'canceled'; readonly eventId: number }
  | { readonly status: 'pending' };

/** One governed step read back from history: its authorization and its execution. */
export interface GovernedStepRecord {
  /** The governed step's id, stable across its re-authorizations. */
  readonly stepId: string;
  /** The governed action's name, as the authorization request names it. */
  readonly action: string;
  /** The activity id the action is scheduled with, which pairs it with its authorization. */
  readonly activityId: string;
  /** The `writ.authorize` activity: where it was scheduled, what it was asked and how it ended. */
  readonly authorization: { readonly scheduledEventId: number; readonly request: AuthorizeRequest; readonly end: ActivityEnd };
  /** The action activity, when one was scheduled: its arguments, the artifact header it carried and how it ended. */
  readonly execution?: {
    readonly scheduledEventId: number;
    readonly activityType: string;
    readonly args: unknown[];
    readonly headerArtifact: unknown;
    readonly end: ActivityEnd;
  };
}

interface Scheduled {
  readonly eventId: number;
  readonly activityId: string;
  readonly activityType: string;
  readonly args: unknown[];
  readonly headers: Record<string, Payload>;
}

/**
 * Reads the governed steps of a run from its history: every `writ.authorize` activity
 * (or local activity, from its marker) with its request and how it ended, paired with the action activity scheduled under
 * the activity id it authorized. This is a reader, not a verdict: it trusts nothing and
 * checks nothing (the auditor's checker does).
 */
export function governedStepsFromHistory(history: temporal.api.history.v1.IHistory): GovernedStepRecord[] {
  const scheduled = new Map<number, Scheduled>();
  const ends = new Map<number, ActivityEnd>();
  for (const event of history.events ?? []) {
    const eventId = Number(event.eventId);
    const s = event.activityTaskScheduledEventAttributes;
    if (s) {
      scheduled.set(eventId, {
        eventId,
        activityId: s.activityId ?? '',
        activityType: s.activityType?.name ?? '',
        args: (s.input?.payloads ?? []).map((p) => decode(p as Payload)),
        headers: (s.header?.fields ?? {}) as Record<string, Payload>,
      });
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) ends.set(Number(completed.scheduledEventId), { status: 'completed', eventId, result: decode(completed.result?.payloads?.[0] as Payload | undefined) });
    const failed = event.activityTaskFailedEventAttributes;
    if (failed) ends.set(Number(failed.scheduledEventId), failureEnd(eventId, failed.failure));
    const timedOut = event.activityTaskTimedOutEventAttributes;
    if (timedOut) ends.set(Number(timedOut.scheduledEventId), { status: 'timed-out', eventId });
    const canceled = event.activityTaskCanceledEventAttributes;
    if (canceled) ends.set(Number(canceled.scheduledEventId), { status: 'canceled', eventId });
    const local = readLocalActivityMarker(event);
    if (local?.ok === true && local.marker.activityType === AUTHORIZE_ACTIVITY) {
      // A local authorization: one marker, its request echoed in its result or failure.
      const end: ActivityEnd = local.marker.failure === null ? { status: 'completed', eventId, result: decode(local.marker.result) } : failureEnd(eventId, local.marker.failure);
      const echoed = echoedRequest(end);
      if (echoed === undefined) continue;
      scheduled.set(eventId, { eventId, activityId: local.marker.activityId, activityType: AUTHORIZE_ACTIVITY, args: [echoed], headers: {} });
      ends.set(eventId, end);
    }
  }

  const byActivityId = new Map<string, Scheduled>();
  for (const s of scheduled.values()) if (s.activityType !== AUTHORIZE_ACTIVITY) byActivityId.set(s.activityId, s);

  const steps: GovernedStepRecord[] = [];
  for (const s of scheduled.values()) {
    if (s.activityType !== AUTHORIZE_ACTIVITY) continue;
    const request = s.args[0] as AuthorizeRequest;
    const action = byActivityId.get(request.activityId);
    steps.push({
      stepId: request.stepId,
      action: request.action,
      activityId: request.activityId,
      authorization: { scheduledEventId: s.eventId, request, end: ends.get(s.eventId) ?? { status: 'pending' } },
      ...(action === undefined
        ? {}
        : {
            execution: {
              scheduledEventId: action.eventId,
              activityType: action.activityType,
              args: action.args,
              headerArtifact: action.headers[ARTIFACT_HEADER] === undefined ? undefined : decode(action.headers[ARTIFACT_HEADER]),
              end: ends.get(action.eventId) ?? { status: 'pending' },
            },
          }),
    });
  }
  return steps;
}

/** The request a local authorization echoed (`authorized`, in its result or its failure's last detail). */
function echoedRequest(end: ActivityEnd): unknown {
  const carrier = end.status === 'completed' ? end.result : end.status === 'failed' ? end.details[end.details.length - 1] : undefined;
  return (carrier as { authorized?: unknown } | null | undefined)?.authorized;
}

/** The authorization result of a permitted step, if it was permitted. */
export function authorizationResult(step: GovernedStepRecord): AuthorizeResult | undefined {
  if (step.authorization.end.status !== 'completed') return undefined;
  const outcome = step.authorization.end.result as AuthorizeOutcome;
  return outcome.decision === 'permit' ? outcome : undefined;
}

/** The approval request an authorization answered with, if policy required approval. */
export function approvalRequired(step: GovernedStepRecord): ApprovalRequired | undefined {
  if (step.authorization.end.status !== 'completed') return undefined;
  const outcome = step.authorization.end.result as AuthorizeOutcome;
  return outcome.decision === 'approval-required' ? outcome : undefined;
}

/** The action's outcome envelope (result + receipt), if it completed. */
export function actionOutcome(step: GovernedStepRecord): ActionOutcome | undefined {
  return step.execution?.end.status === 'completed' ? (step.execution.end.result as ActionOutcome) : undefined;
}

/** Strictly, as the worker decoded it: bytes that say two things throw their PayloadRefusal. */
function decode(payload: Payload | undefined): unknown {
  if (payload === undefined || payload === null) return undefined;
  return payloadConverter.fromPayload(payload);
}

function failureEnd(eventId: number, failure: Failure): ActivityEnd {
  // Activity failures arrive wrapped: the application failure is the innermost cause.
  let inner = failure;
  while (inner?.cause && !inner.applicationFailureInfo) inner = inner.cause;
  const details = (inner?.applicationFailureInfo?.details?.payloads ?? []).map((p) => decode(p as Payload));
  return {
    status: 'failed',
    eventId,
    code: inner?.applicationFailureInfo?.type ?? 'UNKNOWN',
    message: inner?.message ?? '',
    details,
  };
}
