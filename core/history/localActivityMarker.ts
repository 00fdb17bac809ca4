import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { payloadConverter } from '../payload/strictPayloadConverter';

/** The marker name Temporal's SDK core records a local activity's outcome under. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure;

// What SDK core writes as the marker's `data` (its LocalActivityMarkerData as JSON). Only
// the members read here are required; the times and backoff are core's own bookkeeping.
const MarkerDataSchema = z.looseObject({
  seq: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  activity_id: z.string().min(1),
  activity_type: z.string().min(1),
});

/** A local activity's outcome as its marker records it: who it was and how it ended. */
export interface LocalActivityMarker {
  readonly activityId: string;
  readonly activityType: string;
  /** The attempt that produced the outcome (attempts within the workflow task leave no trace). */
  readonly attempt: number;
  /** The result payload of a completed local activity; absent when it failed. */
  readonly result: Payload | undefined;
  /** The failure of a local activity that failed; null when it completed. */
  readonly failure: Failure | null;
}

/** A marker that is not a local activity's, or one whose data does not read as one. */
export type LocalActivityMarkerRead = { readonly ok: true; readonly marker: LocalActivityMarker } | { readonly ok: false; readonly reason: string } | null;

/**
 * Reads a `MarkerRecorded` event of a local activity (`core_local_activity`): its `data`
 * decoded with Writ's strict payload converter (bytes that say two things are not read
 * as either) and checked for the activity id, type and attempt, its `result` payload and
 * its failure. Null for any other event or marker (patches, side effects); `{ ok: false }`
 * for a local activity marker that does not read, which the caller reports.
 */
export function readLocalActivityMarker(event: HistoryEvent): LocalActivityMarkerRead {
  const marker = event.markerRecordedEventAttributes;
  if (!marker || marker.markerName !== LOCAL_ACTIVITY_MARKER) return null;
  const details = marker.details ?? {};
  const dataPayloads = details['data']?.payloads ?? [];
  if (dataPayloads.length !== 1) return { ok: false, reason: `a local activity marker with ${dataPayloads.length} data payloads, not one` };
  let data: unknown;
  try {
    data = payloadConverter.fromPayload(dataPayloads[0] as Payload);
  } catch (error) {
    return { ok: false, reason: `a local activity marker whose data does not decode: ${(error as Error).message}` };
  }
  const parsed = MarkerDataSchema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: `a local activity marker whose data lacks ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  const results = details['result']?.payloads ?? [];
  const failure = marker.failure ?? null;
  if (results.length > 1) return { ok: false, reason: `a local activity marker with ${results.length} results` };
  if (failure !== null && results.length > 0) return { ok: false, reason: 'a local activity marker with both a result and a failure' };
  return {
    ok: true,
    marker: {
      activityId: parsed.data.activity_id,
      activityType: parsed.data.activity_type,
      attempt: parsed.data.attempt,
      result: results[0] as Payload | undefined,
      failure,
    },
  };
}
