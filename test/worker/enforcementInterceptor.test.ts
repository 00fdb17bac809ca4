import { defaultPayloadConverter } from '@temporalio/common';
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { createAuthorize } from '../../activities/authorize';
import { nextLink, registerRun } from '../support/registeredRun';
import { createGovernedActivities } from '../../activities/governedActivities';
import { AUTHORIZE_ACTIVITY, type ActionOutcome, type AuthorizeRequest, type AuthorizeResult } from '../../core/protocol/authorizeContract';
import { ARTIFACT_HEADER } from '../../core/protocol/headers';
import { canonicalDigest } from '../../core/canonical/digest';
import { verifyReceipt } from '../../core/receipt/verifyReceipt';
import { EnforcementInterceptor } from '../../worker/enforcementInterceptor';
import { expectFailure, loggedEntries, openRealGovernance, quietMockOptions, type RealGovernance } from '../activities/realGovernanceDeps';
import { WritError } from '../../core/errors/writError';
import type { EvidenceLog } from '../../core/log/evidence/evidenceLog';

const RUN: Partial<Info> = {
  activityNamespace: 'writ-unit',
  taskQueue: 'writ-unit-queue',
  workflowExecution: { workflowId: 'wf-enforcement', runId: 'run-enforcement' },
  workflowType: 'transferFunds',
  attempt: 1,
};
const TRANSFER = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 1_500 };

let governance: RealGovernance;
beforeEach(async () => {
  governance = await openRealGovernance();
});
afterEach(() => governance.close());

/** The enforcement point as createGovernedWorker installs it, with `exempt` declared. */
function enforcement(exempt: readonly string[] = []): ActivityInterceptorsFactory {
  const exemptSet = new Set(exempt);
  return (ctx) => ({ inbound: new EnforcementInterceptor(ctx, governance.deps, exemptSet) });
}

/**
 * Stands in for the workflow-side interceptor that puts the artifact on the wire:
 * MockActivityEnvironment always runs with empty headers.
 */
function artifactHeader(artifact: string): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      execute: (input, next) => next({ ...input, headers: { ...input.headers, [ARTIFACT_HEADER]: defaultPayloadConverter.toPayload(artifact) } }),
    },
  });
}

/** An activity environment for `activityType`, inside the test run, behind the enforcement point. */
function environment(info: Partial<Info>, interceptors: ActivityInterceptorsFactory[]): MockActivityEnvironment {
  return new MockActivityEnvironment({ ...RUN, ...info }, quietMockOptions({ interceptors }));
}

/** A spy activity: records whether its body ran. */
function spyActivity(result: unknown): { fn: (...args: unknown[]) => Promise<unknown>; ran: () => boolean } {
  let ran = false;
  return {
    fn: async () => {
      ran = true;
      return result;
    },
    ran: () => ran,
  };
}

/** The real governed transferFunds activity, wrapped so a test sees whether it was reached. */
function spiedTransferFunds(): { fn: (...args: unknown[]) => Promise<unknown>; ran: () => boolean } {
  const real = createGovernedActivities(governance.deps)['transferFunds']!;
  let ran = false;
  return {
    fn: async (...args: unknown[]) => {
      ran = true;
      return real(...args);
    },
    ran: () => ran,
  };
}

/** Mints an artifact for `activityId` in this run, through the real writ.authorize activity. */
async function authorizeTransfer(activityId: string): Promise<AuthorizeResult> {
  const authorize = createAuthorize(governance.deps);
  await registerRun(governance.deps, RUN, await governance.idp.mintToken({ principal: 'alice', groups: ['treasury'] }));
  const request: AuthorizeRequest = { action: 'transferFunds', args: [TRANSFER], stepId: 'step-1', activityId, lineage: await nextLink(governance.deps, RUN) };
  const env = environment({ activityType: AUTHORIZE_ACTIVITY, activityId: 'writ-authorize-1' }, [enforcement()]);
  const outcome: unknown = await env.run(authorize, request);
  return outcome as AuthorizeResult;
}

describe('EnforcementInterceptor', () => {
  describe('when the activity is neither a governed action nor declared exempt', () => {
    it('fails ACTION_NOT_GOVERNED, non-retryable, and the body never runs', async () => {
      const spy = spyActivity('side effect');
      const env = environment({ activityType: 'sendUngovernedEmail', activityId: 'a-1' }, [enforcement()]);
      await expectFailure(() => env.run(spy.fn), 'ACTION_NOT_GOVERNED');
      expect(spy.ran()).toBe(false);
    });
  });

  describe('when the same activity is declared exempt', () => {
    it('runs it and returns its result untouched', async () => {
      const spy = spyActivity({ sent: true });
      const env = environment({ activityType: 'sendUngovernedEmail', activityId: 'a-1' }, [enforcement(['sendUngovernedEmail'])]);
      await expect(env.run(spy.fn)).resolves.toEqual({ sent: true });
      expect(spy.ran()).toBe(true);
    });
  });

  describe('when a different activity is declared exempt', () => {
    it('still refuses this one with ACTION_NOT_GOVERNED', async () => {
      const spy = spyActivity('side effect');
      const env = environment({ activityType: 'sendUngovernedEmail', activityId: 'a-1' }, [enforcement(['sendNewsletter'])]);
      await expectFailure(() => env.run(spy.fn), 'ACTION_NOT_GOVERNED');
      expect(spy.ran()).toBe(false);
    });
  });

  describe("when the activity is one of Writ's own (writ. prefix)", () => {
    it('passes it through without an artifact, registered or not', async () => {
      const spy = spyActivity('writ result');
      const env = environment({ activityType: 'writ.somethingInternal', activityId: 'a-1' }, [enforcement()]);
      await expect(env.run(spy.fn)).resolves.toBe('writ result');
      expect(spy.ran()).toBe(true);
    });
  });

  describe('when a governed action arrives without an artifact header', () => {
    it('fails ARTIFACT_MISSING before the activity is reached and the ledger is unchanged', async () => {
      const transfer = spiedTransferFunds();
      const env = environment({ activityType: 'transferFunds', activityId: 'transfer-1' }, [enforcement()]);
      await expectFailure(() => env.run(transfer.fn, TRANSFER), 'ARTIFACT_MISSING');
      expect(transfer.ran()).toBe(false);
      expect(governance.stores.ledger.listTransfers()).toEqual([]);
      expect(governance.stores.ledger.getAccount('acct-alice')?.balanceCents).toBe(250_000);
    });
  });

  describe('when it refuses an execution', () => {
    it('logs a signed denial record with the refusal code, at stage enforce, before answering', async () => {
      const env = environment({ activityType: 'transferFunds', activityId: 'writ-step-3.2' }, [enforcement()]);
      await expectFailure(() => env.run(spiedTransferFunds().fn, TRANSFER), 'ARTIFACT_MISSING');
      const denials = (await loggedEntries(governance.logDir)).filter((entry) => entry.kind === 'denial');
      expect(denials).toHaveLength(1);
      expect(denials[0]).toMatchObject({ runId: 'run-enforcement', stepId: 'writ-step-3' });
      const claims = JSON.parse(Buffer.from(denials[0]!.evidence.split('.')[1]!, 'base64url').toString('utf8')) as { writ: Record<string, unknown> };
      expect(claims.writ).toMatchObject({ stage: 'enforce', code: 'ARTIFACT_MISSING', principal: null, runtime: { activityId: 'writ-step-3.2', workflowId: 'wf-enforcement' } });
    });

    it('keeps the refusal code, and runs nothing, when the log cannot take the denial record', async () => {
      const refusing: EvidenceLog = { enabled: true, append: () => Promise.reject(new WritError('LOG_WRITE_FAILED', 'the disk is full')), close: async () => undefined };
      const broken = await openRealGovernance({ evidenceLog: refusing });
      try {
        const transfer = spiedTransferFunds();
        const env = environment({ activityType: 'transferFunds', activityId: 'writ-step-1.1' }, [(ctx) => ({ inbound: new EnforcementInterceptor(ctx, broken.deps, new Set()) })]);
        await expectFailure(() => env.run(transfer.fn, TRANSFER), 'ARTIFACT_MISSING');
        expect(transfer.ran()).toBe(false);
      } finally {
        broken.close();
      }
    });
  });

  describe('when a governed action is declared exempt as well', () => {
    it('is still enforced: the exemption never covers a governed name', async () => {
      const transfer = spiedTransferFunds();
      const env = environment({ activityType: 'transferFunds', activityId: 'transfer-1' }, [enforcement(['transferFunds'])]);
      await expectFailure(() => env.run(transfer.fn, TRANSFER), 'ARTIFACT_MISSING');
      expect(transfer.ran()).toBe(false);
      expect(governance.stores.ledger.listTransfers()).toEqual([]);
    });
  });

  describe('when the artifact header carries an artifact minted for this execution', () => {
    // The control for the refusals above: the same activity, with its artifact, does run.
    it('runs the action once and returns its result with a receipt', async () => {
      const authorized = await authorizeTransfer('transfer-1');
      const transfer = spiedTransferFunds();
      const env = environment({ activityType: 'transferFunds', activityId: 'transfer-1' }, [artifactHeader(authorized.artifact), enforcement()]);
      const ran: unknown = await env.run(transfer.fn, TRANSFER);
      const outcome = ran as ActionOutcome<{ transferId: string }>;
      expect(transfer.ran()).toBe(true);
      expect(governance.stores.ledger.listTransfers()).toHaveLength(1);
      expect(governance.stores.ledger.getAccount('acct-alice')?.balanceCents).toBe(250_000 - 1_500);
      expect(outcome.result.transferId).toEqual(expect.any(String));
      const receipt = await verifyReceipt(
        outcome.writReceipt,
        { artifactDigest: authorized.artifactDigest, resultDigest: canonicalDigest(outcome.result) },
        governance.receiptKeys,
      );
      expect(receipt.writ).toMatchObject({ artifactId: authorized.artifactId, runId: 'run-enforcement', activityId: 'transfer-1', outcome: 'completed' });
    });
  });

  describe('when the artifact was minted for another activity of the run', () => {
    it('fails ARTIFACT_ACTIVITY_MISMATCH and the ledger is unchanged', async () => {
      const authorized = await authorizeTransfer('transfer-other');
      const transfer = spiedTransferFunds();
      const env = environment({ activityType: 'transferFunds', activityId: 'transfer-1' }, [artifactHeader(authorized.artifact), enforcement()]);
      await expectFailure(() => env.run(transfer.fn, TRANSFER), 'ARTIFACT_ACTIVITY_MISMATCH');
      expect(transfer.ran()).toBe(false);
      expect(governance.stores.ledger.listTransfers()).toEqual([]);
    });
  });

  describe('when one artifact is presented for more executions than it authorizes', () => {
    // Another worker, or a workflow reusing a completed activity id, sees attempt 1 again:
    // the count is the governance store's, not the attempt number Temporal reports.
    it('runs the first maxAttempts executions and refuses the next with ARTIFACT_ATTEMPTS_EXCEEDED, body not reached', async () => {
      const authorized = await authorizeTransfer('transfer-1');
      const claims = JSON.parse(Buffer.from(authorized.artifact.split('.')[1]!, 'base64url').toString('utf8')) as { writ: { runtime: { maxAttempts: number } } };
      const allowed = claims.writ.runtime.maxAttempts;
      for (let execution = 1; execution <= allowed; execution++) {
        const env = environment({ activityType: 'transferFunds', activityId: 'transfer-1', attempt: 1 }, [artifactHeader(authorized.artifact), enforcement()]);
        await env.run(spyActivity({ ok: execution }).fn, TRANSFER);
      }
      const surplus = spiedTransferFunds();
      const env = environment({ activityType: 'transferFunds', activityId: 'transfer-1', attempt: 1 }, [artifactHeader(authorized.artifact), enforcement()]);
      await expectFailure(() => env.run(surplus.fn, TRANSFER), 'ARTIFACT_ATTEMPTS_EXCEEDED');
      expect(surplus.ran()).toBe(false);
      expect(governance.stores.ledger.listTransfers()).toEqual([]);
    });
  });
});
