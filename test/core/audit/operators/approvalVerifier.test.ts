import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyBundle, type EvidenceBundle } from '../../../../core/audit';
import { DevIdentityProvider } from '../../../../core/identity/devIdentityProvider';
import { activityEvent, attributesOf, renumber, resultOf, scheduledEvent, writePayload } from '../../../fixtures/audit/generate/tamper';
import { updateAnswer, updateBy } from '../../../fixtures/audit/generate/approvalCases';
import { bundleOf, edit, eventAt, findingsOf, historyOf, idsOf, outcomeOf, withKeys } from './operatorFixtures';

// The writ.approve verifier on the recorded two-approval transfer (bob approved, dave was
// refused, carol approved) and the agent's approved refund, edited in memory.

let dir: string;
let otherProvider: { keys: readonly object[] };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-audit-approvals-'));
  const other = DevIdentityProvider.open(join(dir, 'idp'));
  await other.ensureKey();
  otherProvider = other.publicJwks();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TWO_APPROVALS = 'clean-transfer-two-approvals';

function verify(bundle: EvidenceBundle, options: Partial<Parameters<typeof verifyBundle>[1]> = {}) {
  return verifyBundle(bundle, { replay: false, ...options });
}

/** Event ids of the approval updates: bob's (accepted), dave's (refused), carol's (accepted). */
function updates(bundle: EvidenceBundle): { bob: number; dave: number; carol: number } {
  const h = historyOf(bundle);
  const [bob, dave, carol] = ['bob', 'dave', 'carol'].map((who) => Number(updateBy(h, who).eventId)) as [number, number, number];
  return { bob, dave, carol };
}

describe('when a transfer waited for two approvals', () => {
  it("passes with the identity provider's keys: both approvals verify and are what the artifact cites", async () => {
    const verdict = await verify(bundleOf(TWO_APPROVALS));
    expect(findingsOf(verdict)).toEqual([]);
    expect(verdict.runs[0]!.steps.map((s) => [s.decision, s.approvers])).toEqual([['pending', []], ['permit', ['bob', 'carol']]]);
  });

  it('counts the refused approval in between for nothing: it completed with a failure and is not cited', async () => {
    const bundle = bundleOf(TWO_APPROVALS);
    const h = historyOf(bundle);
    const completions = idsOf(h, 'WORKFLOW_EXECUTION_UPDATE_COMPLETED').map((id) => outcomeOf(eventAt(h, id)));
    expect(completions.map((o) => (o.success ? 'accepted' : 'refused'))).toEqual(['accepted', 'refused', 'accepted']);
    expect((await verify(bundle)).passed).toBe(true);
  });
});

describe('when the identity keys are not the ones that signed', () => {
  it('finds each accepted approval unverified (APPROVAL_UNVERIFIED) and the identity token too (IDENTITY_UNVERIFIED)', async () => {
    const bundle = bundleOf(TWO_APPROVALS);
    const { bob, carol } = updates(bundle);
    const verdict = await verify(bundle, { identity: withKeys(bundle.identity!, otherProvider) });
    expect(findingsOf(verdict)).toEqual(['1:IDENTITY_UNVERIFIED', `${bob}:APPROVAL_UNVERIFIED`, `${carol}:APPROVAL_UNVERIFIED`]);
    expect(verdict.runs[0]!.findings[1]!.found).toMatch(/^IDENTITY_INVALID: token rejected: ERR_JWKS_NO_MATCHING_KEY|^IDENTITY_INVALID: token rejected: ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
  });
});

describe('when the bundle has no identity provider keys', () => {
  it('fails closed: every approval update and the citing artifact are OPERATOR_EVENT_UNVERIFIED', async () => {
    const { identity: _identity, ...older } = bundleOf(TWO_APPROVALS);
    const { bob, dave, carol } = updates(older);
    const verdict = await verify(older);
    expect(findingsOf(verdict)).toEqual([`${bob}:OPERATOR_EVENT_UNVERIFIED`, `${dave}:OPERATOR_EVENT_UNVERIFIED`, `${carol}:OPERATOR_EVENT_UNVERIFIED`, expect.stringMatching(/^\d+:OPERATOR_EVENT_UNVERIFIED$/)]);
  });
});

describe('when a refused approval is recorded as accepted', () => {
  it('finds that its verification failed (APPROVAL_OUTCOME_MISMATCH) and that dave may not approve transfers (APPROVER_NOT_AUTHORIZED)', async () => {
    const bundle = bundleOf(TWO_APPROVALS);
    const h = historyOf(bundle);
    const { dave, carol } = updates(bundle);
    const completed = eventAt(h, idsOf(h, 'WORKFLOW_EXECUTION_UPDATE_COMPLETED')[1]!);
    const outcome = outcomeOf(completed);
    delete outcome.failure;
    outcome.success = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') } }] };
    writePayload(outcome.success.payloads[0]!, { accepted: true, decision: 'approve', approver: 'dave', approvals: 2, required: 2 });
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([`${dave}:APPROVAL_OUTCOME_MISMATCH`, `${dave}:APPROVER_NOT_AUTHORIZED`, `${carol}:APPROVAL_OUTCOME_MISMATCH`]);
    expect(verdict.runs[0]!.findings[0]!.found).toMatch(/verification at event \d+ failed \(APPROVER_NOT_AUTHORIZED\)/);
    // carol's answer said 2 approvals; with dave's counted there would have been 3.
    expect(verdict.runs[0]!.findings[2]!.expected).toContain('"approvals":3');
  });
});

describe("when an accepted approval's recorded answer names another approver", () => {
  it('finds the answer inconsistent with the statement (APPROVAL_OUTCOME_MISMATCH)', async () => {
    const bundle = bundleOf(TWO_APPROVALS);
    const h = historyOf(bundle);
    const { bob } = updates(bundle);
    edit<Record<string, unknown>>(updateAnswer(h, updateBy(h, 'bob')), (answer) => ({ ...answer, approver: 'erin' }));
    expect(findingsOf(await verify(bundle))).toEqual([`${bob}:APPROVAL_OUTCOME_MISMATCH`]);
  });
});

describe('when the recorded verification of an approval disagrees with its statement', () => {
  it('finds it (APPROVAL_OUTCOME_MISMATCH)', async () => {
    const bundle = bundleOf(TWO_APPROVALS);
    const h = historyOf(bundle);
    const { bob } = updates(bundle);
    const verification = resultOf(activityEvent(h, scheduledEvent(h, 'writ.verifyApproval', 0).eventId, 'Completed'));
    edit<Record<string, unknown>>(verification, (result) => ({ ...result, approver: 'carol' }));
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([`${bob}:APPROVAL_OUTCOME_MISMATCH`]);
    expect(verdict.runs[0]!.findings[0]!.found).toContain('"approver":"carol"');
  });
});

describe('when the recorded approval request is not the request the step made', () => {
  const requestOf = (bundle: EvidenceBundle) => {
    const h = historyOf(bundle);
    return { payload: resultOf(activityEvent(h, scheduledEvent(h, 'writ.authorize', 0).eventId, 'Completed')), at: Number(activityEvent(h, scheduledEvent(h, 'writ.authorize', 0).eventId, 'Completed').eventId) };
  };
  type Recorded = { decision: string; request: Record<string, unknown> };

  it('finds other arguments in it (AUTHORIZATION_RESULT_MISMATCH); approvals are judged against the recomputed request', async () => {
    const bundle = bundleOf(TWO_APPROVALS);
    const { payload, at } = requestOf(bundle);
    edit<Recorded>(payload, (r) => ({ ...r, request: { ...r.request, argsDigest: `sha256:${'0'.repeat(64)}` } }));
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([`${at}:AUTHORIZATION_RESULT_MISMATCH`]);
    expect(verdict.runs[0]!.findings[0]!.expected).toMatch(/^argsDigest sha256:/);
  });

  it('finds another initiator than the verified identity token names (AUTHORIZATION_RESULT_MISMATCH)', async () => {
    const bundle = bundleOf(TWO_APPROVALS);
    const { payload, at } = requestOf(bundle);
    edit<Recorded>(payload, (r) => ({ ...r, request: { ...r.request, initiator: 'bob' } }));
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([`${at}:AUTHORIZATION_RESULT_MISMATCH`]);
    expect(verdict.runs[0]!.findings[0]!).toMatchObject({ expected: 'initiator alice (recomputed from the run)', found: 'initiator bob' });
  });
});

describe('when one approver is counted twice', () => {
  it('finds the second acceptance (APPROVAL_DUPLICATE_APPROVER)', async () => {
    const bundle = bundleOf(TWO_APPROVALS);
    const h = historyOf(bundle);
    // bob's whole approval (update accepted, its verification, update completed) delivered again before carol's.
    const accepted = updateBy(h, 'bob');
    const verification = scheduledEvent(h, 'writ.verifyApproval', 0);
    const completed = h.events.find((e) => (e['workflowExecutionUpdateCompletedEventAttributes'] as { acceptedEventId?: string } | undefined)?.acceptedEventId === accepted.eventId)!;
    const block = [accepted, verification, activityEvent(h, verification.eventId, 'Started'), activityEvent(h, verification.eventId, 'Completed'), completed].map((e) => structuredClone(e));
    const copyId = (id: string) => `copy-${id}`;
    for (const e of block) {
      const attributes = attributesOf(e) as { scheduledEventId?: string; acceptedEventId?: string };
      if (attributes.scheduledEventId !== undefined) attributes.scheduledEventId = copyId(attributes.scheduledEventId);
      if (attributes.acceptedEventId !== undefined) attributes.acceptedEventId = copyId(attributes.acceptedEventId);
      e.eventId = copyId(e.eventId);
    }
    const carol = updateBy(h, 'carol');
    const at = h.events.indexOf(carol);
    for (const e of block) e.eventTime = h.events[at - 1]!.eventTime;
    renumber(h, [...h.events.slice(0, at), ...block, ...h.events.slice(at)]);
    const findings = findingsOf(await verify(bundle));
    expect(findings).toContain(`${block[0]!.eventId}:APPROVAL_DUPLICATE_APPROVER`);
    // The answers' counts no longer add up either: bob's copy said 1, carol's said 2.
    expect(findings.filter((f) => f.endsWith(':APPROVAL_OUTCOME_MISMATCH'))).toEqual([`${block[0]!.eventId}:APPROVAL_OUTCOME_MISMATCH`, `${carol.eventId}:APPROVAL_OUTCOME_MISMATCH`]);
  });
});

describe("when an agent's refund waited for a support lead", () => {
  it('passes with the keys, and fails each approval and the identity token with another provider\'s', async () => {
    const bundle = bundleOf('clean-agent-refund-approved');
    expect(findingsOf(await verify(bundle))).toEqual([]);
    const codes = findingsOf(await verify(bundle, { identity: withKeys(bundle.identity!, otherProvider) })).map((f) => f.split(':')[1]);
    expect(codes).toEqual(['IDENTITY_UNVERIFIED', 'APPROVAL_UNVERIFIED']);
  });
});
