import { verifyBundle, type EvidenceBundle } from '../../../../core/audit';
import { attributesOf, writePayload, type JsonEvent, type JsonPayload } from '../../../fixtures/audit/generate/tamper';
import { bundleOf, findingsOf, historyOf } from './operatorFixtures';

// The MCP session events on the recorded session run (clean-mcp-session), edited in memory:
// its `writ.mcp.end` signal is turned into a `writ.mcp.cancel`, with or without the call id
// a cancellation names.

const SESSION = 'clean-mcp-session';

function verify(bundle: EvidenceBundle) {
  return verifyBundle(bundle, { replay: false });
}

/** The session's signal event (its writ.mcp.end), renamed `name` and carrying `input` when given. */
function signalAs(bundle: EvidenceBundle, name: string, input?: unknown): JsonEvent {
  const event = historyOf(bundle).events.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
  if (event === undefined) throw new Error(`${SESSION} has no signal`);
  const attributes = attributesOf(event);
  attributes['signalName'] = name;
  if (input !== undefined) {
    const payload: JsonPayload = { metadata: { encoding: Buffer.from('json/plain').toString('base64') } };
    writePayload(payload, input);
    attributes['input'] = { payloads: [payload] };
  }
  return event;
}

describe('when a session run was recorded', () => {
  it('passes', async () => {
    expect(findingsOf(await verify(bundleOf(SESSION)))).toEqual([]);
  });
});

describe('when a session run holds a cancellation naming a call', () => {
  it('passes: a cancellation only takes a step away', async () => {
    const bundle = bundleOf(SESSION);
    signalAs(bundle, 'writ.mcp.cancel', { callId: 'a-call' });
    expect(findingsOf(await verify(bundle))).toEqual([]);
  });
});

describe('when a cancellation names no call', () => {
  it('finds it unreadable (HISTORY_MALFORMED)', async () => {
    const bundle = bundleOf(SESSION);
    const event = signalAs(bundle, 'writ.mcp.cancel', { call: 7 });
    expect(findingsOf(await verify(bundle))).toEqual([`${event.eventId}:HISTORY_MALFORMED`]);
  });
});
