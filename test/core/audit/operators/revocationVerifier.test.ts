import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyBundle, type EvidenceBundle } from '../../../../core/audit';
import { DevIdentityProvider } from '../../../../core/identity/devIdentityProvider';
import { activityEvent, attributesOf, copyTimes, dropEvents, moveEvents, readPayload, resultOf, scheduledEvent, writePayload, type JsonHistory, type JsonPayload } from '../../../fixtures/audit/generate/tamper';
import { bundleOf, edit, eventAt, findingsOf, historyOf, idsOf, outcomeOf, withKeys } from './operatorFixtures';

// The writ.revoke verifier on the recorded agent plan (a docs search ran, then the refund
// waited for approval and olivia revoked the run), edited in memory.

const REVOKED = 'clean-revoked-while-pending';

let dir: string;
let otherProvider: { keys: readonly object[] };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-audit-revocation-'));
  const other = DevIdentityProvider.open(join(dir, 'idp'));
  await other.ensureKey();
  otherProvider = other.publicJwks();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function verify(bundle: EvidenceBundle, options: Partial<Parameters<typeof verifyBundle>[1]> = {}) {
  return verifyBundle(bundle, { replay: false, ...options });
}

/** The revocation's events: update accepted, the applyRevocation activity, update completed. */
function revocationOf(h: JsonHistory) {
  const accepted = idsOf(h, 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')[0]!;
  const completed = idsOf(h, 'WORKFLOW_EXECUTION_UPDATE_COMPLETED')[0]!;
  const applied = scheduledEvent(h, 'writ.applyRevocation');
  return { accepted, completed, applied, appliedEnd: activityEvent(h, applied.eventId, 'Completed') };
}

describe('when a run was revoked while it waited for approval', () => {
  it('passes: the revocation verifies, names this run and was applied by its signer; nothing ran after it', async () => {
    const verdict = await verify(bundleOf(REVOKED));
    expect(findingsOf(verdict)).toEqual([]);
    expect(verdict.runs[0]!.steps.map((s) => [s.action, s.decision, s.outcome])).toEqual([
      ['agentSearchDocs', 'permit', 'completed'],
      ['agentIssueRefund', 'pending', 'pending'],
    ]);
  });
});

describe('when a governed action ran after the revocation', () => {
  it('finds it (ACTION_AFTER_REVOCATION): a revoked run\'s actions must be refused', async () => {
    const bundle = bundleOf(REVOKED);
    const h = historyOf(bundle);
    const { accepted, completed, applied, appliedEnd } = revocationOf(h);
    // The revocation moved to just before the docs search was scheduled; times keep running forward.
    const times = h.events.map((e) => e.eventTime);
    const moved = [String(accepted), applied.eventId, activityEvent(h, applied.eventId, 'Started').eventId, appliedEnd.eventId, String(completed)];
    moveEvents(h, moved, scheduledEvent(h, 'agentSearchDocs').eventId);
    copyTimes(h, times);
    const search = activityEvent(h, scheduledEvent(h, 'agentSearchDocs').eventId, 'Started');
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([`${search.eventId}:ACTION_AFTER_REVOCATION`]);
    expect(verdict.runs[0]!.findings[0]!.expected).toContain('(by olivia)');
  });
});

describe('when the history applied a revocation its update did not accept', () => {
  it('finds it (REVOCATION_UNVERIFIED): the act took effect, so it is judged', async () => {
    const bundle = bundleOf(REVOKED);
    const h = historyOf(bundle);
    const { accepted, completed } = revocationOf(h);
    const outcome = outcomeOf(eventAt(h, completed));
    delete outcome.success;
    outcome.failure = { message: 'refused', applicationFailureInfo: { type: 'STATEMENT_INVALID', nonRetryable: true } };
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([`${accepted}:REVOCATION_UNVERIFIED`]);
    expect(verdict.runs[0]!.findings[0]!.found).toContain('was refused');
  });
});

describe('when the recorded application names another signer', () => {
  it('finds it (REVOCATION_UNVERIFIED)', async () => {
    const bundle = bundleOf(REVOKED);
    const h = historyOf(bundle);
    const { accepted, appliedEnd } = revocationOf(h);
    edit<Record<string, unknown>>(resultOf(appliedEnd), (result) => ({ ...result, by: 'mallory' }));
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([`${accepted}:REVOCATION_UNVERIFIED`]);
    expect(verdict.runs[0]!.findings[0]!.found).toContain('"by":"mallory"');
  });
});

describe("when the update's answer is not what was applied", () => {
  it('finds it (REVOCATION_UNVERIFIED)', async () => {
    const bundle = bundleOf(REVOKED);
    const h = historyOf(bundle);
    const { accepted, completed } = revocationOf(h);
    const answer = outcomeOf(eventAt(h, completed)).success!.payloads[0]! as JsonPayload;
    writePayload(answer, { ...(readPayload(answer) as object), reason: 'routine' });
    expect(findingsOf(await verify(bundle))).toEqual([`${accepted}:REVOCATION_UNVERIFIED`]);
  });
});

describe('when the revocation is shown in another run', () => {
  it('finds that it names another run (REVOCATION_UNVERIFIED)', async () => {
    const bundle = bundleOf(REVOKED);
    const { accepted } = revocationOf(historyOf(bundle));
    bundle.runs[0]!.workflowId = 'some-other-workflow';
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toContain(`${accepted}:REVOCATION_UNVERIFIED`);
    expect(verdict.runs[0]!.findings.find((f) => f.code === 'REVOCATION_UNVERIFIED')!.expected).toBe(`a revocation of some-other-workflow run ${bundle.runs[0]!.runId}`);
  });
});

describe('when the update that carried the revocation was cut out', () => {
  it('finds the revocation applied without it (REVOCATION_UNVERIFIED)', async () => {
    const bundle = bundleOf(REVOKED);
    const h = historyOf(bundle);
    const { accepted, completed, applied } = revocationOf(h);
    dropEvents(h, [String(accepted), String(completed)]);
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([`${applied.eventId}:REVOCATION_UNVERIFIED`]); // renumbered with the drop
    expect(verdict.runs[0]!.findings[0]!.found).toContain('with no such update');
  });
});

describe('when the identity keys are wrong or missing', () => {
  it('finds the revocation unverified with the wrong keys, and unverifiable without any', async () => {
    const bundle = bundleOf(REVOKED);
    const { accepted } = revocationOf(historyOf(bundle));
    expect(findingsOf(await verify(bundle, { identity: withKeys(bundle.identity!, otherProvider) }))).toEqual(['1:IDENTITY_UNVERIFIED', `${accepted}:REVOCATION_UNVERIFIED`]);
    const { identity: _identity, ...older } = bundle;
    expect(findingsOf(await verify(older))).toEqual([`${accepted}:OPERATOR_EVENT_UNVERIFIED`]);
  });
});

describe('when the revocation arrives as a signal', () => {
  it('is not verifiable: revocations arrive only as updates (OPERATOR_EVENT_UNVERIFIED)', async () => {
    const bundle = bundleOf(REVOKED);
    const h = historyOf(bundle);
    const { accepted } = revocationOf(h);
    const event = eventAt(h, accepted);
    const input = (attributesOf(event) as { acceptedRequest: { input: { name: string; args: unknown } } }).acceptedRequest.input;
    delete event['workflowExecutionUpdateAcceptedEventAttributes'];
    event.eventType = 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED';
    event['workflowExecutionSignaledEventAttributes'] = { signalName: input.name, input: input.args };
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toContain(`${accepted}:OPERATOR_EVENT_UNVERIFIED`);
  });
});
