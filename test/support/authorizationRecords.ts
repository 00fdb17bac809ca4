import type { temporal } from '@temporalio/proto';
import { LOCAL_ACTIVITY_MARKER, readLocalActivityMarker } from '../../core/history/localActivityMarker';
import { AUTHORIZE_ACTIVITY, type AuthorizationMode } from '../../core/protocol/authorizeContract';

/** Both ways a run's authorizations are scheduled, for tests that run in each. */
export const AUTHORIZATION_MODES_UNDER_TEST: readonly AuthorizationMode[] = ['activity', 'local'];

/**
 * How a run's `writ.authorize` steps are recorded in its history: as scheduled activities
 * or as local activity markers. A test run in one mode expects only that mode's records.
 */
export function authorizationRecords(history: temporal.api.history.v1.IHistory): Record<AuthorizationMode, number> {
  const events = history.events ?? [];
  return {
    activity: events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === AUTHORIZE_ACTIVITY).length,
    local: events.filter((e) => {
      if (e.markerRecordedEventAttributes?.markerName !== LOCAL_ACTIVITY_MARKER) return false;
      const read = readLocalActivityMarker(e);
      return read?.ok === true && read.marker.activityType === AUTHORIZE_ACTIVITY;
    }).length,
  };
}

/** `authorizations` recorded in `mode`, none in the other. */
export function recordedAs(mode: AuthorizationMode, authorizations: number): Record<AuthorizationMode, number> {
  return mode === 'local' ? { activity: 0, local: authorizations } : { activity: authorizations, local: 0 };
}
