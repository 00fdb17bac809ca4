import { resolve } from 'node:path';
import { readBundle, verifyBundle, type EvidenceBundle, type OperatorEventRecord, type OperatorEventVerifier } from '../../../core/audit';
import { activityEvent, attributesOf, renumber, scheduledEvent, type JsonEvent, type JsonHistory } from '../../fixtures/audit/generate/tamper';

// Checker rules the conformance cases do not isolate, on edited copies of them. Replay is
// off: these are about the history checker alone.

const FIXTURES = resolve(__dirname, '../../fixtures/audit');

function bundleOf(name: string): EvidenceBundle {
  return readBundle(resolve(FIXTURES, name, 'bundle.json'));
}

function historyOf(bundle: EvidenceBundle, index = 0): JsonHistory {
  return bundle.runs[index]!.history as unknown as JsonHistory;
}

function setActivityType(event: JsonEvent, name: string): void {
  (attributesOf(event)['activityType'] as { name: string }).name = name;
}

describe('when an authorization is used for a second action', () => {
  it('finds the second action unauthorized: an artifact is single use', async () => {
    const bundle = bundleOf('clean-transfer');
    const h = historyOf(bundle);
    const action = scheduledEvent(h, 'transferFunds');
    const copies = [action, activityEvent(h, action.eventId, 'Started'), activityEvent(h, action.eventId, 'Completed')].map((e) => structuredClone(e));
    // The copies reference the copied scheduled event; renumbering gives them fresh ids.
    copies[0]!.eventId = 'copy';
    for (const e of copies.slice(1)) (attributesOf(e) as { scheduledEventId: string }).scheduledEventId = 'copy';
    const last = h.events.length - 1;
    for (const e of copies) e.eventTime = h.events[last]!.eventTime;
    renumber(h, [...h.events.slice(0, last), ...copies, h.events[last]!]);
    const verdict = await verifyBundle(bundle, { replay: false });
    const finding = verdict.runs[0]!.findings.find((f) => f.code === 'ACTION_WITHOUT_AUTHORIZATION');
    expect(finding).toMatchObject({ eventId: Number(copies[0]!.eventId), found: expect.stringContaining('already used by event') });
    expect(verdict.runs[0]!.findings.map((f) => f.code)).toEqual(['ACTION_WITHOUT_AUTHORIZATION']);
  });
});

describe('when an activity is declared exempt', () => {
  it('notes it and does not require an authorization; undeclared, the same activity is unauthorized', async () => {
    const bundle = bundleOf('clean-transfer');
    const h = historyOf(bundle);
    // An ungoverned activity with its own activity id, scheduled after the governed step.
    const extra = structuredClone(scheduledEvent(h, 'transferFunds'));
    extra.eventId = 'extra';
    setActivityType(extra, 'sendNewsletter');
    (attributesOf(extra) as { activityId: string }).activityId = 'newsletter-1';
    const last = h.events.length - 1;
    extra.eventTime = h.events[last]!.eventTime;
    renumber(h, [...h.events.slice(0, last), extra, h.events[last]!]);

    const exempt = await verifyBundle(bundle, { replay: false, exemptActivities: ['sendNewsletter'] });
    expect(exempt.passed).toBe(true);
    expect(exempt.runs[0]!.notes).toEqual([expect.stringContaining('sendNewsletter is exempt by configuration')]);

    const governed = await verifyBundle(bundle, { replay: false });
    expect(governed.runs[0]!.findings.map((f) => [f.code, f.eventId])).toEqual([['ACTION_WITHOUT_AUTHORIZATION', Number(extra.eventId)]]);
  });
});

describe("when an action is named like one of Writ's own activities", () => {
  it('is still a governed action: only the known writ.* activities are exempt from authorization', async () => {
    const bundle = bundleOf('clean-transfer');
    setActivityType(scheduledEvent(historyOf(bundle), 'transferFunds'), 'writ.transferFunds');
    const verdict = await verifyBundle(bundle, { replay: false });
    expect(verdict.runs[0]!.findings.map((f) => f.code)).toContain('ARTIFACT_BINDING_MISMATCH');
    expect(verdict.runs[0]!.findings.find((f) => f.code === 'ARTIFACT_BINDING_MISMATCH')!.expected).toBe('action writ.transferFunds (recomputed from event 17)');
  });
});

describe('when an operator event verifier is registered', () => {
  it('hands it every writ.approve update, and its findings become the verdict', async () => {
    const seen: OperatorEventRecord[] = [];
    const approvals: OperatorEventVerifier = (event, check) => {
      seen.push(event);
      if (seen.length === 2) check.report('OPERATOR_EVENT_UNVERIFIED', event.at.eventId, 'a statement signed by an approver', 'a test refusal', 'the test verifier refused it');
    };
    const verdict = await verifyBundle(bundleOf('operator-approval-unverified_fail'), { replay: false, operatorEvents: { 'writ.approve': approvals } });
    // bob's, dave's (refused) and carol's
    expect(seen.map((e) => [e.kind, e.name])).toEqual([['update', 'writ.approve'], ['update', 'writ.approve'], ['update', 'writ.approve']]);
    expect(verdict.runs[0]!.findings.map((f) => [f.code, f.found])).toEqual([['OPERATOR_EVENT_UNVERIFIED', 'a test refusal']]);
    // The step the approvals lifted reports them, from the signed claims.
    expect(verdict.runs[0]!.steps.map((s) => [s.decision, s.approvers])).toEqual([['pending', []], ['permit', ['bob', 'carol']]]);
  });
});

describe('when the enforcement point refused an execution', () => {
  it('does not judge that execution again: the refusal was the check', async () => {
    const verdict = await verifyBundle(bundleOf('clean-reauthorized-after-expiry'), { replay: false });
    expect(verdict.passed).toBe(true);
    expect(verdict.runs[0]!.steps.map((s) => [s.activityId, s.outcome])).toEqual([['writ-step-1.1', 'refused'], ['writ-step-1.2', 'completed']]);
    expect(verdict.runs[0]!.steps[1]!.lineage).toMatchObject({ sequence: 2, previous: verdict.runs[0]!.steps[0]!.artifactDigest });
  });
});

describe('when a child run is verified without its parent', () => {
  it('notes that the link to the parent was not checked, and still verifies the child', async () => {
    const bundle = bundleOf('clean-parent-child');
    const verdict = await verifyBundle({ ...bundle, runs: [bundle.runs[1]!] }, { replay: false });
    expect(verdict.passed).toBe(true);
    expect(verdict.runs[0]!.parent).toEqual({ workflowId: bundle.runs[0]!.workflowId, runId: bundle.runs[0]!.runId });
    expect(verdict.runs[0]!.notes).toEqual([expect.stringContaining('is not in the evidence; the lineage link to it was not checked')]);
  });
});
