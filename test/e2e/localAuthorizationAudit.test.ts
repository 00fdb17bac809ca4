import type { temporal } from '@temporalio/proto';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { fetchRuns } from '../../core/audit/live/fetchRuns';
import type { AuditRun } from '../../core/audit/checks/runContext';
import { verifyHistories } from '../../core/audit/verifyHistories';
import { LOCAL_ACTIVITY_MARKER } from '../../core/history/localActivityMarker';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';

// The auditor reads a local authorization from its core_local_activity marker: the marker's
// data strictly (bytes that say two things are not read), the request the authorize
// activity echoed in its result, checked against the artifact as an activity's recorded
// input would be. A real local-mode run is audited clean, then copies of its history are
// edited one way each; replay is off, so each verdict is the history checker's alone.

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let env: GovernedTestEnv;
let run: AuditRun;
beforeAll(async () => {
  env = await createGovernedTestEnv({ authorization: 'local' });
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  const workflowId = `local-audit-${Date.now()}`;
  await client.workflow.execute('transferFunds', { taskQueue: env.taskQueue, workflowId, args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 700 }] });
  run = (await fetchRuns(client, { workflowIds: [workflowId], related: false }))[0]!;
}, 120_000);
afterAll(async () => env?.close());

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());

/** A copy of the run with its authorization marker edited by `edit`. */
function withMarker(edit: (marker: temporal.api.history.v1.IMarkerRecordedEventAttributes, event: HistoryEvent) => void): AuditRun {
  // A deep copy through the JSON form Temporal exports histories in.
  const history = historyFromJSON(JSON.parse(historyToJSON(run.history)));
  const event = (history.events ?? []).find((e) => e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER)!;
  edit(event.markerRecordedEventAttributes!, event);
  return { ...run, history };
}

function resultOf(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes): Record<string, unknown> {
  return JSON.parse(text(marker.details!['result']!.payloads![0]!.data)) as Record<string, unknown>;
}

function setResult(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes, value: unknown): void {
  marker.details!['result']!.payloads![0]!.data = json(value);
}

async function findings(audited: AuditRun): Promise<[string, string][]> {
  const verdict = await verifyHistories([audited], { ...(await env.verifyOptions()), replay: false });
  return verdict.runs[0]!.findings.map((f) => [f.code, f.expected]);
}

describe('when a run authorized locally is audited', () => {
  it('passes as recorded, replay included', async () => {
    const verdict = await verifyHistories([run], await env.verifyOptions());
    expect(verdict.runs[0]!.findings).toEqual([]);
    expect(verdict.runs[0]!.steps.map((s) => [s.decision, s.outcome])).toEqual([['permit', 'completed']]);
    expect(verdict.runs[0]!.replay).toBe('passed');
  });
});

describe('when the authorization marker is edited', () => {
  it('refuses marker data that says two things (a duplicate member): HISTORY_MALFORMED, and the action is then unauthorized', async () => {
    const edited = withMarker((marker) => {
      const data = text(marker.details!['data']!.payloads![0]!.data);
      marker.details!['data']!.payloads![0]!.data = new TextEncoder().encode(data.replace('{', '{"activity_type":"writ.verifyIdentity",'));
    });
    const found = await findings(edited);
    expect(found.map(([code]) => code)).toEqual(['HISTORY_MALFORMED', 'ACTION_WITHOUT_AUTHORIZATION']);
    expect(found[0]![1]).toMatch(/local activity marker that reads/);
  });

  it('refuses a marker with both a result and a failure: HISTORY_MALFORMED', async () => {
    const edited = withMarker((marker) => {
      marker.failure = { message: 'and also failed', applicationFailureInfo: { type: 'POLICY_DENIED', nonRetryable: true } };
    });
    expect((await findings(edited)).map(([code]) => code)).toEqual(['HISTORY_MALFORMED', 'ACTION_WITHOUT_AUTHORIZATION']);
  });

  it('refuses a permit that does not echo its request: HISTORY_MALFORMED, the action has no authorization to pair with', async () => {
    const edited = withMarker((marker) => {
      const { authorized: _dropped, ...rest } = resultOf(marker);
      setResult(marker, rest);
    });
    const found = await findings(edited);
    expect(found.map(([code]) => code)).toEqual(['HISTORY_MALFORMED', 'ACTION_WITHOUT_AUTHORIZATION']);
    expect(found[0]![1]).toMatch(/echoes its request/);
  });

  it('finds an echoed request the artifact does not answer (other arguments): ARTIFACT_BINDING_MISMATCH', async () => {
    const edited = withMarker((marker) => {
      const result = resultOf(marker);
      const authorized = result['authorized'] as { args: { amountCents: number }[] };
      setResult(marker, { ...result, authorized: { ...authorized, args: [{ ...authorized.args[0]!, amountCents: 1 }] } });
    });
    const found = await findings(edited);
    expect(found.map(([code]) => code)).toEqual(['ARTIFACT_BINDING_MISMATCH']);
    expect(found[0]![1]).toMatch(/from the authorization request/);
  });

  it('finds the action unauthorized when the marker is gone', async () => {
    const edited = withMarker((marker) => {
      marker.markerName = 'some_other_marker';
    });
    expect((await findings(edited)).map(([code]) => code)).toEqual(['ACTION_WITHOUT_AUTHORIZATION']);
  });
});
