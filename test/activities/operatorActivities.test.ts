import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createApplyKillSwitch, createApplyRevocation, createVerifyApproval, useApproval } from '../../activities/operatorActivities';
import { canonicalDigest, sha256Digest } from '../../core/canonical/digest';
import { approvalRequestDigest } from '../../core/operators/approvalRequestDigest';
import {
  CONTROL_WORKFLOW_ID,
  CONTROL_WORKFLOW_TYPE,
  type ApprovalRequest,
  type KillSwitchReceipt,
  type OperatorActReceipt,
  type VerifiedApproval,
} from '../../core/protocol/operatorContract';
import { approvalBy, haltBy, resumeBy, revocationBy } from '../support/operatorStatements';
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

// The activities' clock, moved by the tests; the identity provider signs by the real one.
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
const MINUTES = 60_000;

let governance: RealGovernance;
beforeEach(async () => {
  offsetMs = 0;
  governance = await openRealGovernance({ clock });
});
afterEach(() => governance.close());

const applyIn = (info: Partial<Info>, statement: string) =>
  new MockActivityEnvironment(info, quietMockOptions()).run(createApplyKillSwitch(governance.deps), { statement }) as Promise<KillSwitchReceipt>;
const halt = () => haltBy(governance.idp, 'olivia', NAMESPACE);
const resume = (lifts: string) => resumeBy(governance.idp, 'olivia', NAMESPACE, lifts);
const switchState = () => governance.deps.governance.killSwitch(NAMESPACE);

describe('writ.applyKillSwitch', () => {
  describe('when it runs as a step of the control workflow', () => {
    it('records the change, and the receipt says which way it turned the switch', async () => {
      const engage = await halt();
      const receipt = await applyIn(IN_CONTROL, engage);
      expect(receipt).toMatchObject({ by: 'olivia', engaged: true, statementDigest: sha256Digest(engage) });
      await expect(switchState()).resolves.toMatchObject({ engaged: true, by: 'olivia', statementDigest: sha256Digest(engage) });
    });

    it('lifts the halt the resume names', async () => {
      const engage = await halt();
      await applyIn(IN_CONTROL, engage);
      await expect(applyIn({ ...IN_CONTROL, activityId: '2' }, await resume(sha256Digest(engage)))).resolves.toMatchObject({ engaged: false });
      await expect(switchState()).resolves.toMatchObject({ engaged: false });
    });
  });

  describe('when it is started outside the control workflow', () => {
    it.each([
      ['from another workflow type', { ...IN_CONTROL, workflowType: 'transferFunds', workflowExecution: { workflowId: 'wf-1', runId: 'run-1' } }],
      ['from a workflow that calls itself writ-control but is of another type', { ...IN_CONTROL, workflowType: 'writControlImpostor' }],
    ] as const)('%s: refuses with STATEMENT_INVALID and changes nothing', async (_case, info) => {
      await expectFailure(async () => applyIn(info as Partial<Info>, await halt()), 'STATEMENT_INVALID');
      await expect(switchState()).resolves.toMatchObject({ engaged: false, since: null });
    });
  });

  describe('when a resume names another halt than the one in force', () => {
    it('a resume signed for an earlier halt is KILL_SWITCH_STATE_MISMATCH and the later halt stays', async () => {
      const first = await halt();
      await applyIn(IN_CONTROL, first);
      // Signed for the first halt, held back while another operator lifted it.
      const heldBack = await resume(sha256Digest(first));
      await applyIn({ ...IN_CONTROL, activityId: '2' }, await resume(sha256Digest(first)));
      const second = await halt();
      await applyIn({ ...IN_CONTROL, activityId: '3' }, second);
      await expectFailure(() => applyIn({ ...IN_CONTROL, activityId: '4' }, heldBack), 'KILL_SWITCH_STATE_MISMATCH');
      await expect(switchState()).resolves.toMatchObject({ engaged: true, statementDigest: sha256Digest(second) });
    });

    it('a resume with no halt in force is KILL_SWITCH_STATE_MISMATCH', async () => {
      await expectFailure(async () => applyIn(IN_CONTROL, await resume(sha256Digest('no such halt'))), 'KILL_SWITCH_STATE_MISMATCH');
      await expect(switchState()).resolves.toMatchObject({ engaged: false, since: null });
    });

    it('a resume that names no halt at all is STATEMENT_INVALID', async () => {
      await applyIn(IN_CONTROL, await halt());
      const unnamed = await governance.idp.mintStatement({
        principal: 'olivia',
        groups: ['operators'],
        audience: 'writ-kill-switch',
        statement: { kind: 'kill-switch', engage: false, namespace: NAMESPACE, reason: 'over' },
      });
      await expectFailure(() => applyIn({ ...IN_CONTROL, activityId: '2' }, unnamed), 'STATEMENT_INVALID');
      await expect(switchState()).resolves.toMatchObject({ engaged: true });
    });
  });

  describe('when the same statement is presented by another activity', () => {
    it('takes effect once: the replay is STATEMENT_REPLAYED and the switch keeps its later state', async () => {
      const first = await halt();
      await applyIn(IN_CONTROL, first);
      const lift = await resume(sha256Digest(first));
      await applyIn({ ...IN_CONTROL, activityId: '2' }, lift);
      await applyIn({ ...IN_CONTROL, activityId: '3' }, await halt());
      await expectFailure(() => applyIn({ ...IN_CONTROL, activityId: '4' }, lift), 'STATEMENT_REPLAYED');
      await expect(switchState()).resolves.toMatchObject({ engaged: true });
    });

    it('accepts it again from the same activity (a retry), changing nothing', async () => {
      const engage = await halt();
      await applyIn(IN_CONTROL, engage);
      const lift = await resume(sha256Digest(engage));
      const lifted = await applyIn({ ...IN_CONTROL, activityId: '2' }, lift);
      await expect(applyIn({ ...IN_CONTROL, activityId: '2', attempt: 2 }, lift)).resolves.toMatchObject({ by: 'olivia', engaged: false, statementDigest: lifted.statementDigest });
      await expect(switchState()).resolves.toMatchObject({ engaged: false, since: lifted.at });
    });
  });

  describe('when the statement is not fresh at its first use', () => {
    it('a halt signed longer ago than the window is STATEMENT_STALE and changes nothing', async () => {
      const old = await halt();
      offsetMs = 5 * MINUTES + 1_000;
      await expectFailure(() => applyIn(IN_CONTROL, old), 'STATEMENT_STALE');
      await expect(switchState()).resolves.toMatchObject({ engaged: false, since: null });
    });

    it('a resume signed longer ago than the window is STATEMENT_STALE and the halt stays, also when presented again', async () => {
      const engage = await halt();
      const old = await resume(sha256Digest(engage));
      await applyIn(IN_CONTROL, engage);
      offsetMs = 10 * MINUTES;
      await expectFailure(() => applyIn({ ...IN_CONTROL, activityId: '2' }, old), 'STATEMENT_STALE');
      // Refused at first use, it left no record to pass later as the same consumer's.
      await expectFailure(() => applyIn({ ...IN_CONTROL, activityId: '2', attempt: 2 }, old), 'STATEMENT_STALE');
      await expect(switchState()).resolves.toMatchObject({ engaged: true });
    });

    it('a statement issued later than the clock tolerance allows is STATEMENT_STALE', async () => {
      const early = await halt();
      offsetMs = -1 * MINUTES;
      await expectFailure(() => applyIn(IN_CONTROL, early), 'STATEMENT_STALE');
      await expect(switchState()).resolves.toMatchObject({ engaged: false });
    });

    it('a statement just inside the window is accepted', async () => {
      const recent = await halt();
      offsetMs = 4 * MINUTES;
      await expect(applyIn(IN_CONTROL, recent)).resolves.toMatchObject({ engaged: true });
    });
  });
});

describe('writ.applyRevocation', () => {
  const RUN = { workflowId: 'wf-revoked', runId: 'run-revoked' };
  const inRun: Partial<Info> = { ...IN_CONTROL, workflowType: 'transferFunds', workflowExecution: RUN };
  const revoke = (statement: string) => new MockActivityEnvironment(inRun, quietMockOptions()).run(createApplyRevocation(governance.deps), { statement }) as Promise<OperatorActReceipt>;

  it('refuses a revocation signed longer ago than the window with STATEMENT_STALE, revoking nothing', async () => {
    const old = await revocationBy(governance.idp, 'olivia', RUN);
    offsetMs = 6 * MINUTES;
    await expectFailure(() => revoke(old), 'STATEMENT_STALE');
    await expect(governance.deps.governance.revocation(RUN.runId)).resolves.toBeUndefined();
  });
});

describe('approvals and freshness', () => {
  const RUN = { workflowId: 'wf-approve', runId: 'run-approve' };
  const request = (stepId: string): ApprovalRequest => {
    const fields = { ...RUN, stepId, action: 'transferFunds', argsDigest: canonicalDigest({ step: stepId }), policyDigest: governance.policies.current().policySet.digest };
    return {
      ...fields,
      requestDigest: approvalRequestDigest(fields),
      args: [],
      policySetId: governance.policies.current().policySet.id,
      policyVersion: governance.policies.current().policySet.version,
      initiator: 'alice',
      required: 1,
      requiredBy: ['transfers-require-two-approvals'],
      timeoutSeconds: 600,
    };
  };
  const verifyIn = (statement: string, pending: ApprovalRequest) =>
    new MockActivityEnvironment({ ...IN_CONTROL, workflowType: 'transferFunds', workflowExecution: RUN }, quietMockOptions()).run(createVerifyApproval(governance.deps), {
      statement,
      request: pending,
      seenStatementIds: [],
      countedApprovers: [],
    }) as Promise<VerifiedApproval>;
  const pendingOf = (pending: ApprovalRequest) => ({ ...pending, requestedAt: '', expiresAt: '', approvers: [] });

  it('refuses an approval first presented after the window with STATEMENT_STALE', async () => {
    const pending = request('writ-step-1');
    const old = await approvalBy(governance.idp, 'bob', pendingOf(pending));
    offsetMs = 5 * MINUTES + 1_000;
    await expectFailure(() => verifyIn(old, pending), 'STATEMENT_STALE');
  });

  it('accepts the approval verified when it arrived, presented again by its step to a later authorization, and by no other step', async () => {
    const pending = request('writ-step-1');
    const approval = await verifyIn(await approvalBy(governance.idp, 'bob', pendingOf(pending)), pending);
    // A re-authorization an hour on (the artifact expired, the policy changed): the
    // registry holds this step's use, so the approval's age is no reason to refuse it.
    offsetMs = 60 * MINUTES;
    await expect(useApproval(governance.deps, pending, approval)).resolves.toBeUndefined();
    await expect(useApproval(governance.deps, request('writ-step-2'), approval)).rejects.toMatchObject({ code: 'STATEMENT_REPLAYED' });
  });
});
