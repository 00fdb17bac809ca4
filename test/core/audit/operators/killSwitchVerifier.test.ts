import { verifyBundle, policySetDigest, type EvidenceBundle } from '../../../../core/audit';
import { activityEvent, resultOf, scheduledEvent } from '../../../fixtures/audit/generate/tamper';
import { bundleOf, edit, findingsOf, historyOf, idsOf } from './operatorFixtures';

// The writ.killSwitch verifier on the recorded control runs: the clean one (dave refused,
// olivia engaged, a transfer denied meanwhile, olivia lifted), edited in memory, and the
// two recorded by misbehaving workers (a slow clock; a store that did not compare).

const KILL_SWITCH = 'clean-kill-switch';

function verify(bundle: EvidenceBundle, options: Partial<Parameters<typeof verifyBundle>[1]> = {}) {
  return verifyBundle(bundle, { replay: false, ...options });
}

/** The accepted kill-switch changes (olivia's engage and lift), by update event id. */
function applied(bundle: EvidenceBundle): number[] {
  const [, engage, lift] = idsOf(historyOf(bundle), 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
  return [engage!, lift!];
}

describe('when the kill switch was engaged and lifted', () => {
  it('passes: each change verifies for this namespace and was applied by its signer; the refused one counted for nothing', async () => {
    const bundle = bundleOf(KILL_SWITCH);
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([]);
    expect(verdict.runs.map((r) => r.workflowType)).toEqual(['writControl', 'transferFunds']);
    expect(verdict.runs[1]!.steps.map((s) => s.denialCode)).toEqual(['KILL_SWITCH_ENGAGED']);
  });
});

describe('when the evidence is read for another namespace', () => {
  it('finds every applied change naming another namespace (KILL_SWITCH_UNVERIFIED)', async () => {
    const bundle = bundleOf(KILL_SWITCH);
    const [engage, lift] = applied(bundle);
    const verdict = await verify({ ...bundle, namespace: 'elsewhere', runs: [bundle.runs[0]!] });
    expect(findingsOf(verdict)).toEqual([`${engage}:KILL_SWITCH_UNVERIFIED`, `${lift}:KILL_SWITCH_UNVERIFIED`]);
    expect(verdict.runs[0]!.findings[0]!).toMatchObject({ expected: 'a kill-switch change for namespace elsewhere', found: `one for namespace ${bundle.namespace}` });
  });
});

describe('when the policy set gives operators no kill switch', () => {
  it('finds each change made without authority (OPERATOR_NOT_AUTHORIZED)', async () => {
    const bundle = bundleOf(KILL_SWITCH);
    const [engage, lift] = applied(bundle);
    const set = bundle.policySets[0]!;
    const without = { ...set, policies: set.policies.filter((p) => p.id !== 'operators-kill-switch') };
    const verdict = await verify(bundle, { policySets: [{ ...without, digest: policySetDigest(without) }] });
    expect(findingsOf(verdict)).toEqual([`${engage}:OPERATOR_NOT_AUTHORIZED`, `${lift}:OPERATOR_NOT_AUTHORIZED`]);
    expect(verdict.runs[0]!.findings[0]!.found).toBe('operateKillSwitch denied for olivia (groups operators)');
  });
});

describe('when the recorded application names another signer', () => {
  it('finds it (KILL_SWITCH_UNVERIFIED)', async () => {
    const bundle = bundleOf(KILL_SWITCH);
    const h = historyOf(bundle);
    const [engage] = applied(bundle);
    // The first applyKillSwitch is dave's (failed); the second is olivia's engage.
    edit<Record<string, unknown>>(resultOf(activityEvent(h, scheduledEvent(h, 'writ.applyKillSwitch', 1).eventId, 'Completed')), (r) => ({ ...r, by: 'dave' }));
    expect(findingsOf(await verify(bundle))).toEqual([`${engage}:KILL_SWITCH_UNVERIFIED`]);
  });
});

describe('when the bundle has no identity provider keys', () => {
  it('fails closed on every kill-switch update, refused ones included (OPERATOR_EVENT_UNVERIFIED)', async () => {
    const { identity: _identity, ...older } = bundleOf(KILL_SWITCH);
    const updates = idsOf(historyOf(older), 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
    expect(findingsOf(await verify(older))).toEqual(updates.map((id) => `${id}:OPERATOR_EVENT_UNVERIFIED`));
  });
});

describe('when the control run applied statements signed long before they arrived', () => {
  it('finds each one (STATEMENT_STALE), as the workers would have refused them', async () => {
    const bundle = bundleOf('kill-switch-stale-statement_fail');
    const updates = idsOf(historyOf(bundle), 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual(updates.map((id) => `${id}:STATEMENT_STALE`));
    expect(verdict.runs[0]!.findings[0]!.expected).toMatch(/^a statement issued within 300 s before /);
  });

  it('judges them by the window it is given, the workers\' statementMaxAgeSeconds', async () => {
    expect(findingsOf(await verify(bundleOf('kill-switch-stale-statement_fail'), { statementMaxAgeSeconds: 3600 }))).toEqual([]);
  });
});

describe('when the control run applied a lift of another halt than the one in force', () => {
  it('finds that lift (KILL_SWITCH_STATE_MISMATCH), and only it', async () => {
    const bundle = bundleOf('kill-switch-lifts-another-halt_fail');
    const updates = idsOf(historyOf(bundle), 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
    const verdict = await verify(bundle);
    expect(findingsOf(verdict)).toEqual([`${updates.at(-1)}:KILL_SWITCH_STATE_MISMATCH`]);
    expect(verdict.runs[0]!.findings[0]!.expected).toMatch(/^a lift of the halt in force, sha256:/);
  });
});
