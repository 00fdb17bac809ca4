import { resolve } from 'node:path';
import { readBundle, verifyBundle, type EvidenceBundle } from '../../../core/audit';
import { AUTHORIZE_ACTIVITY } from '../../../core/protocol/authorizeContract';
import { inputOf, scheduledEvent, type JsonHistory, type JsonPayload } from '../../fixtures/audit/generate/tamper';

// The auditor reads recorded payloads with Writ's strict converter, as the authorize
// activity and the enforcement point do: bytes JSON.parse would read as the value that was
// authorized, but which say something else as well, are not accepted as that value.

const FIXTURES = resolve(__dirname, '../../fixtures/audit');

function cleanTransfer(): { bundle: EvidenceBundle; history: JsonHistory } {
  const bundle = readBundle(resolve(FIXTURES, 'clean-transfer', 'bundle.json'));
  return { bundle, history: bundle.runs[0]!.history as unknown as JsonHistory };
}

/** Rewrites a payload's JSON text by `edit`, keeping its encoding. */
function editText(payload: JsonPayload, edit: (text: string) => string): void {
  const text = Buffer.from(payload.data ?? '', 'base64').toString('utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text);
  payload.data = Buffer.from(edited, 'utf8').toString('base64');
}

/** A second `"amountCents"` member before the recorded one: JSON.parse reads the recorded value, the text says two things. */
const withDuplicateAmount = (text: string) => text.replace('"amountCents":', '"amountCents":1,"amountCents":');

describe('when a recorded action input holds a duplicate member', () => {
  it('finds the input unreadable (HISTORY_MALFORMED, naming CANONICAL_DUPLICATE_KEY), though JSON.parse reads the authorized value', async () => {
    const { bundle, history } = cleanTransfer();
    const action = scheduledEvent(history, 'transferFunds');
    editText(inputOf(action)[0]!, withDuplicateAmount);
    const verdict = await verifyBundle(bundle, { replay: false });
    expect(verdict.passed).toBe(false);
    expect(verdict.runs[0]!.findings).toEqual([expect.objectContaining({ code: 'HISTORY_MALFORMED', eventId: Number(action.eventId), found: expect.stringContaining('CANONICAL_DUPLICATE_KEY') })]);
  });
});

describe('when a recorded authorization request holds a duplicate member', () => {
  it('finds the request unreadable (HISTORY_MALFORMED, naming CANONICAL_DUPLICATE_KEY)', async () => {
    const { bundle, history } = cleanTransfer();
    const authorize = scheduledEvent(history, AUTHORIZE_ACTIVITY);
    editText(inputOf(authorize)[0]!, withDuplicateAmount);
    const verdict = await verifyBundle(bundle, { replay: false });
    expect(verdict.passed).toBe(false);
    expect(verdict.runs[0]!.findings).toContainEqual(expect.objectContaining({ code: 'HISTORY_MALFORMED', eventId: Number(authorize.eventId), found: expect.stringContaining('CANONICAL_DUPLICATE_KEY') }));
  });
});

describe('when a recorded action input holds a number that does not read back as written', () => {
  it('finds the input unreadable (HISTORY_MALFORMED, naming CANONICAL_NUMBER_IMPRECISE)', async () => {
    const { bundle, history } = cleanTransfer();
    const action = scheduledEvent(history, 'transferFunds');
    // A trailing digit beyond a double's precision: JSON.parse reads the recorded amount.
    editText(inputOf(action)[0]!, (text) => text.replace(/"amountCents":([0-9]+)/, '"amountCents":$1.000000000000000001'));
    const verdict = await verifyBundle(bundle, { replay: false });
    expect(verdict.runs[0]!.findings).toEqual([expect.objectContaining({ code: 'HISTORY_MALFORMED', eventId: Number(action.eventId), found: expect.stringContaining('CANONICAL_NUMBER_IMPRECISE') })]);
  });
});
