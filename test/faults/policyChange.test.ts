import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testTemporal } from '../support/testServer';
import { createFaultFixture, findingsOf, outcomeOf, type FaultFixture } from '../support/faultFixture';
import { sleep } from '../support/faultLatch';
import { loadPolicySet } from '../../core/policy/policySet';
import { policySetEvidence, type PolicySetEvidence } from '../../core/audit';

// The policy files change on disk between a decision and its execution, and the worker's
// own file watcher (PolicySource.watch) picks the change up: the real path, not a switched
// source (that one is test/e2e/reauthorization.test.ts). The worker holds inside
// writ.authorize once the decision is a permit, the artifact about to be signed under the
// old set; the test changes the files, lets the watcher reload, and releases it. The
// enforcement point then finds the artifact's policy set no longer active.

jest.setTimeout(120_000);

const POLICY_RELOAD_MS = 1_500;
const fixtures: FaultFixture[] = [];
afterAll(async () => {
  for (const fixture of fixtures) await fixture.close();
});

async function changeBetweenAuthorizeAndExecute(change: (policiesDir: string) => void) {
  const { address, namespace } = testTemporal();
  const fixture = await createFaultFixture(address, namespace);
  fixtures.push(fixture);
  const before = policySetEvidence(loadPolicySet(fixture.policiesDir));
  await fixture.startWorker({ hold: ['authorize-sign'] });
  const memo = `policy-change-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const handle = await fixture.startTransfer(900, memo);
  await fixture.latch.waitFor('authorize-sign');
  change(fixture.policiesDir);
  await sleep(POLICY_RELOAD_MS);
  fixture.latch.release('authorize-sign');
  const outcome = await outcomeOf(handle);
  const sets: PolicySetEvidence[] = [before];
  try {
    sets.push(policySetEvidence(loadPolicySet(fixture.policiesDir)));
  } catch {
    // The new files do not load: only the old set can be cited.
  }
  const verdict = await fixture.audit([memo], sets);
  const steps = verdict.runs[0]!.steps.map((s) => [s.decision, s.denialCode, s.outcome, s.policyVersion]);
  return { outcome, executed: fixture.transfersWithMemo(memo), verdict, steps, before };
}

describe('when the policy changes between authorize and execute', () => {
  it.concurrent('to forbid the action: the stale artifact is refused, re-authorization denies, nothing runs', async () => {
    const { outcome, executed, verdict, steps, before } = await changeBetweenAuthorizeAndExecute((dir) => {
      appendFileSync(join(dir, 'transfers.cedar'), '\n@id("transfers-freeze-all")\nforbid (principal, action == Writ::Action::"transferFunds", resource);\n');
      writeFileSync(join(dir, 'policy-set.json'), JSON.stringify({ id: 'writ-examples', version: 'freeze.2' }));
    });
    expect(outcome).toBe('POLICY_DENIED');
    expect(executed).toBe(0);
    expect(findingsOf(verdict)).toEqual([]);
    expect(steps).toEqual([
      ['permit', null, 'refused', before.version],
      ['deny', 'POLICY_DENIED', 'not-scheduled', 'freeze.2'],
    ]);
  });

  it.concurrent('to a set that still permits it: the stale artifact is refused, re-authorized under the new set, run once', async () => {
    const { outcome, executed, verdict, steps, before } = await changeBetweenAuthorizeAndExecute((dir) => {
      appendFileSync(join(dir, 'transfers.cedar'), '\n@id("transfers-forbid-huge")\nforbid (principal, action == Writ::Action::"transferFunds", resource)\nwhen { context.amountCents > 5000000 };\n');
      writeFileSync(join(dir, 'policy-set.json'), JSON.stringify({ id: 'writ-examples', version: 'tightened.2' }));
    });
    expect(outcome).toBe('completed');
    expect(executed).toBe(1);
    expect(findingsOf(verdict)).toEqual([]);
    expect(steps).toEqual([
      ['permit', null, 'refused', before.version],
      ['permit', null, 'completed', 'tightened.2'],
    ]);
    expect(verdict.receiptsVerified).toBe(1);
  });

  it.concurrent('to files that do not load: the enforcement point refuses POLICY_INVALID, nothing runs', async () => {
    const { outcome, executed, verdict, steps, before } = await changeBetweenAuthorizeAndExecute((dir) => {
      writeFileSync(join(dir, 'transfers.cedar'), 'forbid (principal, action, resource) when { ');
    });
    expect(outcome).toBe('POLICY_INVALID');
    expect(executed).toBe(0);
    // The auditor knows this refusal: nothing ran, so no receipt was due.
    expect(verdict.runs[0]!.findings.map((f) => f.code)).toEqual([]);
    expect(steps).toEqual([['permit', null, 'refused', before.version]]);
  });
});
