import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Context } from '@temporalio/activity';
import { PolicySource } from '../../core/policy/policySource';
import { PolicyEngine } from '../../core/policy/policyEngine';
import { loadPolicySet } from '../../core/policy/policySet';
import { authorizationResult, governedStepsFromHistory } from '../../core/history/governedSteps';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { AUTHORIZATION_MODES_UNDER_TEST, authorizationRecords, recordedAs } from '../support/authorizationRecords';
import { policySetEvidence } from '../../core/audit/evidence/policySetEvidence';

const transfer = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 900 };

async function runTransfer(env: GovernedTestEnv, id: string) {
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  const workflowId = `${id}-${Date.now()}`;
  const handle = await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId, args: [transfer] });
  await handle.result();
  const history = Object.assign(await handle.fetchHistory(), { workflowId });
  return { steps: governedStepsFromHistory(history), history };
}

const POLICIES = resolve(__dirname, '../../examples/policies');

/** The type of the activity the caller runs in, or undefined outside one. */
function currentActivityType(): string | undefined {
  try {
    return Context.current().info.activityType;
  } catch {
    return undefined;
  }
}

// Every case runs with writ.authorize as an activity and as a local activity.
describe.each(AUTHORIZATION_MODES_UNDER_TEST)('with authorization as %s', (mode) => {
  describe('when an artifact expires before its action starts', () => {
    let env: GovernedTestEnv;
    // Writ's clock: the enforcement point's first look (inside the transferFunds activity)
    // sees a moment two minutes later, as after a backlog; every other reading is now.
    let enforcementReadings = 0;
    const clock = () => new Date(Date.now() + (currentActivityType() === 'transferFunds' && ++enforcementReadings === 1 ? 120_000 : 0));
    beforeAll(async () => {
      env = await createGovernedTestEnv({ clock, authorization: mode });
    });
    afterAll(async () => env?.close());

    it('is denied at the worker and re-authorized by the step, never stretched', async () => {
      const { steps, history } = await runTransfer(env, 'expired');
      expect(steps.map((s) => s.activityId)).toEqual(['writ-step-1.1', 'writ-step-1.2']);
      expect(steps[0]!.execution!.end).toMatchObject({ status: 'failed', code: 'ARTIFACT_EXPIRED' });
      expect(steps[1]!.execution!.end.status).toBe('completed');
      // Both authorizations are in the chain; the action ran once.
      expect(steps[1]!.authorization.request.lineage.previous).toBe(authorizationResult(steps[0]!)!.artifactDigest);
      expect(env.stores.ledger.listTransfers()).toHaveLength(1);
      expect(authorizationRecords(history)).toEqual(recordedAs(mode, 2));
      expect((await env.audit([history.workflowId])).runs[0]!.findings).toEqual([]);
    });
  });

  describe('when the policy set changes between authorize and execute', () => {
    let env: GovernedTestEnv;
    let newer: string;
    beforeAll(async () => {
      // Two real policy sets: the one in the repo, and the same with a new version.
      newer = mkdtempSync(join(tmpdir(), 'writ-policies-'));
      cpSync(resolve(__dirname, '../../examples/policies'), newer, { recursive: true });
      writeFileSync(join(newer, 'policy-set.json'), JSON.stringify({ id: 'writ-examples', version: 'next' }));
      const before = new PolicyEngine(loadPolicySet(resolve(__dirname, '../../examples/policies')));
      const after = new PolicyEngine(loadPolicySet(newer));
      let calls = 0;
      // The first decision is made under the old set; from then on the new set is active.
      const switching = { current: () => (++calls === 1 ? before : after), close() {} } as unknown as PolicySource;
      env = await createGovernedTestEnv({ policies: switching, authorization: mode });
    });
    afterAll(async () => env?.close());

    it('denies the stale artifact (POLICY_STALE) and re-authorizes under the current set', async () => {
      const { steps, history } = await runTransfer(env, 'stale');
      expect(steps).toHaveLength(2);
      expect(authorizationResult(steps[0]!)!.policyVersion).toBe('2026-12-02.1');
      expect(steps[0]!.execution!.end).toMatchObject({ status: 'failed', code: 'POLICY_STALE' });
      expect(authorizationResult(steps[1]!)!.policyVersion).toBe('next');
      expect(steps[1]!.execution!.end.status).toBe('completed');
      expect(env.stores.ledger.listTransfers()).toHaveLength(1);
      expect(authorizationRecords(history)).toEqual(recordedAs(mode, 2));
      // Each artifact is judged against the policy set it cites, both in the evidence.
      expect((await env.audit([history.workflowId], [policySetEvidence(loadPolicySet(POLICIES)), policySetEvidence(loadPolicySet(newer))])).runs[0]!.findings).toEqual([]);
    });
  });
});
