import type { temporal } from '@temporalio/proto';
import { LOCAL_ACTIVITY_MARKER, readLocalActivityMarker } from '../../../core/history/localActivityMarker';

// A local activity's marker as SDK core writes it: `data` (its LocalActivityMarkerData as
// JSON) and `result`, or a failure. The reader takes what it needs strictly and says why
// it cannot read the rest.

const encoder = new TextEncoder();
const json = (text: string) => ({ metadata: { encoding: encoder.encode('json/plain') }, data: encoder.encode(text) });
const DATA = '{"seq":3,"attempt":1,"activity_id":"3","activity_type":"writ.authorize","complete_time":{"seconds":1,"nanos":0}}';

function marker(details: Record<string, { payloads: ReturnType<typeof json>[] }>, extra: Partial<temporal.api.history.v1.IMarkerRecordedEventAttributes> = {}): temporal.api.history.v1.IHistoryEvent {
  return { markerRecordedEventAttributes: { markerName: LOCAL_ACTIVITY_MARKER, details, ...extra } };
}

describe('when a local activity marker is read', () => {
  it('gives the activity id, type, attempt and result of a completed one', () => {
    const read = readLocalActivityMarker(marker({ data: { payloads: [json(DATA)] }, result: { payloads: [json('{"decision":"permit"}')] } }));
    expect(read).toMatchObject({ ok: true, marker: { activityId: '3', activityType: 'writ.authorize', attempt: 1, failure: null } });
  });

  it('gives the failure of a failed one', () => {
    const read = readLocalActivityMarker(marker({ data: { payloads: [json(DATA)] } }, { failure: { message: 'denied' } }));
    expect(read).toMatchObject({ ok: true, marker: { result: undefined, failure: { message: 'denied' } } });
  });

  it('ignores every other event and marker (a patch)', () => {
    expect(readLocalActivityMarker({ workflowTaskStartedEventAttributes: {} })).toBeNull();
    expect(readLocalActivityMarker({ markerRecordedEventAttributes: { markerName: 'core_patch', details: {} } })).toBeNull();
  });
});

describe('when a local activity marker does not read', () => {
  it.each([
    ['no data', {}, /0 data payloads/],
    ['two data payloads', { data: { payloads: [json(DATA), json(DATA)] } }, /2 data payloads/],
    ['data that says two things (a duplicate member)', { data: { payloads: [json(DATA.replace('{', '{"seq":4,'))] } }, /does not decode/],
    ['data without the activity type', { data: { payloads: [json('{"seq":3,"attempt":1,"activity_id":"3"}')] } }, /activity_type/],
    ['an attempt of 0', { data: { payloads: [json(DATA.replace('"attempt":1', '"attempt":0'))] } }, /attempt/],
    ['two results', { data: { payloads: [json(DATA)] }, result: { payloads: [json('1'), json('2')] } }, /2 results/],
  ])('says why: %s', (_name, details, reason) => {
    const read = readLocalActivityMarker(marker(details));
    expect(read?.ok).toBe(false);
    expect(read?.ok === false ? read.reason : '').toMatch(reason);
  });

  it('refuses one with both a result and a failure', () => {
    const read = readLocalActivityMarker(marker({ data: { payloads: [json(DATA)] }, result: { payloads: [json('1')] } }, { failure: { message: 'x' } }));
    expect(read).toEqual({ ok: false, reason: 'a local activity marker with both a result and a failure' });
  });
});
