import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createApplyKillSwitch } from '../../activities/operatorActivities';
import { CONTROL_WORKFLOW_ID, CONTROL_WORKFLOW_TYPE, type OperatorActReceipt } from '../../core/protocol/operatorContract';
import { killSwitchBy } from '../support/operatorStatements';
import { expectFailure, openRealGovernance, quietMockOptions, type RealGovernance } from './realGovernanceDeps';

const NAMESPACE = 'writ-unit';
const IN_CONTROL: Partial<Info> = {
  activityNamespace: NAMESPACE,
  taskQueue: 'writ-unit-queue',
  workflowExecution: { workflowId: CONTROL_WORKFLOW_ID, runId: 'control-run' },
  workflowType: CONTROL_WORKFLOW_TYPE,
  activityId: '1',
  attempt: 1,
};

let governance: RealGovernance;
beforeEach(async () => {
  governance = await openRealGovernance();
});
afterEach(() => governance.close());

const applyIn = (info: Partial<Info>, statement: string) =>
  new MockActivityEnvironment(info, quietMockOptions()).run(createApplyKillSwitch(governance.deps), { statement }) as Promise<OperatorActReceipt>;

describe('writ.applyKillSwitch', () => {
  describe('when it runs as a step of the control workflow', () => {
    it('records the change', async () => {
      const receipt = await applyIn(IN_CONTROL, await killSwitchBy(governance.idp, 'olivia', NAMESPACE, true));
      expect(receipt.by).toBe('olivia');
      await expect(governance.deps.governance.killSwitch(NAMESPACE)).resolves.toMatchObject({ engaged: true, by: 'olivia' });
    });
  });

  describe('when it is started outside the control workflow', () => {
    it.each([
      ['from another workflow type', { ...IN_CONTROL, workflowType: 'transferFunds', workflowExecution: { workflowId: 'wf-1', runId: 'run-1' } }],
      ['from a workflow that calls itself writ-control but is of another type', { ...IN_CONTROL, workflowType: 'writControlImpostor' }],
    ] as const)('%s: refuses with STATEMENT_INVALID and changes nothing', async (_case, info) => {
      await expectFailure(async () => applyIn(info as Partial<Info>, await killSwitchBy(governance.idp, 'olivia', NAMESPACE, true)), 'STATEMENT_INVALID');
      await expect(governance.deps.governance.killSwitch(NAMESPACE)).resolves.toMatchObject({ engaged: false, since: null });
    });
  });

  describe('when the same statement is presented by another activity', () => {
    it('takes effect once: the replay is STATEMENT_REPLAYED and the switch keeps its later state', async () => {
      const resume = await killSwitchBy(governance.idp, 'olivia', NAMESPACE, false);
      await applyIn(IN_CONTROL, resume);
      await applyIn({ ...IN_CONTROL, activityId: '2' }, await killSwitchBy(governance.idp, 'olivia', NAMESPACE, true));
      await expectFailure(() => applyIn({ ...IN_CONTROL, activityId: '3' }, resume), 'STATEMENT_REPLAYED');
      await expect(governance.deps.governance.killSwitch(NAMESPACE)).resolves.toMatchObject({ engaged: true });
    });

    it('accepts it again from the same activity (a retry)', async () => {
      const engage = await killSwitchBy(governance.idp, 'olivia', NAMESPACE, true);
      await applyIn(IN_CONTROL, engage);
      await expect(applyIn({ ...IN_CONTROL, attempt: 2 }, engage)).resolves.toMatchObject({ by: 'olivia' });
    });
  });
});
