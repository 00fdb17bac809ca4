import { APPLY_KILL_SWITCH_ACTIVITY, APPLY_REVOCATION_ACTIVITY, VERIFY_APPROVAL_ACTIVITY } from '../../core/protocol/operatorContract';
import { MockActivityEnvironment } from '@temporalio/testing';
import { actionContextStore } from '../../activities/actionContextStore';
import { createGovernedActivities } from '../../activities/governedActivities';
import { AUTHORIZE_ACTIVITY, HAND_OFF_ACTIVITY, VERIFY_IDENTITY_ACTIVITY } from '../../core/protocol/authorizeContract';
import { expectFailure, openRealGovernance, quietMockOptions, type RealGovernance } from './realGovernanceDeps';
import { RECORD_APPROVAL_TIMEOUT_ACTIVITY } from '../../core/protocol/approvalTimeoutContract';

const TRANSFER = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 1_500 };
/** What the enforcement interceptor establishes after an artifact verifies. */
const VERIFIED_CONTEXT = { idempotencyKey: 'sha256:step-key', principal: 'alice', artifactId: 'artifact-0001' };

let governance: RealGovernance;
beforeEach(async () => {
  governance = await openRealGovernance();
});
afterEach(() => governance.close());

function transferFunds(): (...args: unknown[]) => Promise<unknown> {
  return createGovernedActivities(governance.deps)['transferFunds']!;
}

describe('createGovernedActivities', () => {
  it("registers Writ's own activities and one activity per governed action", () => {
    const names = Object.keys(createGovernedActivities(governance.deps)).sort();
    const writs = [AUTHORIZE_ACTIVITY, VERIFY_IDENTITY_ACTIVITY, HAND_OFF_ACTIVITY, VERIFY_APPROVAL_ACTIVITY, APPLY_REVOCATION_ACTIVITY, APPLY_KILL_SWITCH_ACTIVITY, RECORD_APPROVAL_TIMEOUT_ACTIVITY];
    expect(names).toEqual([...writs, ...governance.deps.registry.names()].sort());
  });

  describe('when a governed action activity is called directly, outside the enforcement context', () => {
    it('fails ARTIFACT_MISSING, non-retryable, and no transfer happens', async () => {
      await expectFailure(() => transferFunds()(TRANSFER), 'ARTIFACT_MISSING');
      expect(governance.stores.ledger.listTransfers()).toEqual([]);
      expect(governance.stores.ledger.getAccount('acct-alice')?.balanceCents).toBe(250_000);
    });
  });

  describe('when it runs as an activity on a worker without the enforcement interceptor', () => {
    it('fails ARTIFACT_MISSING and no transfer happens', async () => {
      const env = new MockActivityEnvironment({ activityType: 'transferFunds' }, quietMockOptions());
      await expectFailure(() => env.run(transferFunds(), TRANSFER), 'ARTIFACT_MISSING');
      expect(governance.stores.ledger.listTransfers()).toEqual([]);
    });
  });

  describe('when it runs inside the context the enforcement point establishes', () => {
    // The control for the refusals above: the context is the only thing they lacked.
    it('runs the action once, under the idempotency key of the context', async () => {
      const result = await actionContextStore.run(VERIFIED_CONTEXT, () => transferFunds()(TRANSFER));
      expect(result).toMatchObject({ transferId: expect.any(String) });
      expect(governance.stores.ledger.listTransfers().map((t) => t.idempotencyKey)).toEqual([VERIFIED_CONTEXT.idempotencyKey]);
      expect(governance.stores.ledger.getAccount('acct-alice')?.balanceCents).toBe(250_000 - 1_500);
    });

    it('validates the input again and fails INPUT_INVALID without a transfer', async () => {
      const failure = await expectFailure(
        () => actionContextStore.run(VERIFIED_CONTEXT, () => transferFunds()({ ...TRANSFER, amountCents: -5 })),
        'INPUT_INVALID',
      );
      expect(failure.details?.[0]).toMatchObject({ issues: [{ path: 'amountCents' }] });
      expect(governance.stores.ledger.listTransfers()).toEqual([]);
    });
  });
});
