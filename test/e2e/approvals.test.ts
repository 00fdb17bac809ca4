import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { compactVerify, createLocalJWKSet, decodeJwt } from 'jose';
import { resolve } from 'node:path';
import { DenialClaimsSchema, DENIAL_TYP } from '../../core/log/entries/denialClaims';
import { loggedEntries } from '../activities/realGovernanceDeps';
import { policySetEvidence, verifyLive } from '../../core/audit';
import { loadPolicySet } from '../../core/policy/policySet';
import { intentDigest } from '../../core/artifact/intentDigest';
import { approvalRequestDigest } from '../../core/operators/approvalRequestDigest';
import { approvalRequired, authorizationResult, governedStepsFromHistory } from '../../core/history/governedSteps';
import { APPROVE_UPDATE, PENDING_QUERY, type ApprovalAnswer, type PendingApproval } from '../../core/protocol/operatorContract';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { approvalBy, approvalStatement, OPERATORS } from '../support/operatorStatements';
import { awaitPending } from '../support/awaitPending';
import { AUTHORIZATION_MODES_UNDER_TEST, authorizationRecords, recordedAs } from '../support/authorizationRecords';

let env: GovernedTestEnv;
// Every case runs with writ.authorize as an activity and as a local activity.
describe.each(AUTHORIZATION_MODES_UNDER_TEST)('with authorization as %s', (mode) => {
  beforeAll(async () => {
    env = await createGovernedTestEnv({ authorization: mode });
  });
  afterAll(async () => env?.close());

  // 2,000.00: above the 1,000.00 line where two treasury approvals are required.
  const bigTransfer = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 };
  let counter = 0;

  async function startBigTransfer(workflowType = 'transferFunds', input: object = bigTransfer): Promise<WorkflowHandle> {
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    counter += 1;
    return client.workflow.start(workflowType, { taskQueue: env.taskQueue, workflowId: `approval-${Date.now()}-${counter}`, args: [input] });
  }

  function approve(handle: WorkflowHandle, statement: string): Promise<ApprovalAnswer> {
    return handle.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [statement] });
  }

  async function refusalCode(promise: Promise<unknown>): Promise<string | undefined> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    if (error instanceof WorkflowUpdateFailedError || error instanceof WorkflowFailedError) {
      return error.cause instanceof ApplicationFailure ? (error.cause.type ?? undefined) : undefined;
    }
    throw new Error(`expected a refusal, got ${String(error)}`);
  }

  const transfersNow = () => env.stores.ledger.listTransfers().length;

  describe('when policy requires two approvals', () => {
    it('waits, findable and queryable, and runs once after two authorized approvers approve', async () => {
      const before = transfersNow();
      const handle = await startBigTransfer();
      const pending = await awaitPending(handle);
      expect(pending).toMatchObject({ action: 'transferFunds', initiator: 'alice', required: 2, requiredBy: ['transfers-require-two-approvals'] });
      expect(pending.requestDigest).toBe(approvalRequestDigest(pending));
      expect(pending.argsDigest).toBe(intentDigest('transferFunds', [bigTransfer]));

      // Findable across workflows through the search attribute.
      const found: string[] = [];
      for (let i = 0; i < 100 && !found.includes(handle.workflowId); i += 1) {
        found.length = 0;
        const operator = await env.clientAs('olivia', ['operators']);
        for await (const wf of operator.workflow.list({ query: `WritStatus = 'AwaitingApproval'` })) found.push(wf.workflowId);
        if (!found.includes(handle.workflowId)) await new Promise((r) => setTimeout(r, 100));
      }
      expect(found).toContain(handle.workflowId);

      expect(await approve(handle, await approvalBy(env.idp, 'bob', pending))).toMatchObject({ accepted: true, approver: 'bob', approvals: 1, required: 2 });
      expect(transfersNow()).toBe(before);
      expect(await approve(handle, await approvalBy(env.idp, 'carol', pending))).toMatchObject({ approvals: 2 });
      await handle.result();
      expect(transfersNow()).toBe(before + 1);

      const history = await handle.fetchHistory();
      // Asked, then authorized with the approvals: two authorizations, recorded in this mode.
      expect(authorizationRecords(history)).toEqual(recordedAs(mode, 2));
      const steps = governedStepsFromHistory(history);
      expect(approvalRequired(steps[0]!)?.request.required).toBe(2);
      const permit = authorizationResult(steps[1]!)!;
      expect(permit.approvers).toEqual(['bob', 'carol']);
      const claims = decodeJwt(permit.artifact) as { writ: { approval: { required: number; approvers: { approver: string }[] } } };
      expect(claims.writ.approval.required).toBe(2);
      expect(claims.writ.approval.approvers.map((a) => a.approver)).toEqual(['bob', 'carol']);
      const verdict = await env.audit([handle.workflowId]);
      expect(verdict.runs[0]!.findings).toEqual([]);
      expect(verdict.runs[0]!.steps.map((s) => [s.decision, s.outcome, s.approvers])).toEqual([
        ['pending', 'pending', []],
        ['permit', 'completed', ['bob', 'carol']],
      ]);
    });
  });

  describe('when an approval is not acceptable', () => {
    let handle: WorkflowHandle;
    let pending: PendingApproval;
    let before: number;
    beforeAll(async () => {
      before = transfersNow();
      handle = await startBigTransfer();
      pending = await awaitPending(handle);
    });
    afterAll(async () => {
      await handle.terminate('test over');
    });

    it('refuses an approver from the wrong group (APPROVER_NOT_AUTHORIZED)', async () => {
      expect(await refusalCode(approve(handle, await approvalBy(env.idp, 'dave', pending)))).toBe('APPROVER_NOT_AUTHORIZED');
    });

    it('refuses the initiator approving their own request (APPROVAL_SELF)', async () => {
      const own = await approvalStatement(env.idp, 'alice', ['treasury', 'treasury-approvers'], pending);
      expect(await refusalCode(approve(handle, own))).toBe('APPROVAL_SELF');
    });

    it('refuses an approval bound to other arguments (APPROVAL_MISMATCH)', async () => {
      const otherArgs = intentDigest('transferFunds', [{ ...bigTransfer, amountCents: 100_001 }]);
      const fields = { ...pending, argsDigest: otherArgs };
      const statement = await approvalStatement(env.idp, 'bob', OPERATORS.bob, { ...fields, requestDigest: approvalRequestDigest(fields) });
      expect(await refusalCode(approve(handle, statement))).toBe('APPROVAL_MISMATCH');
    });

    it.each([
      ['argsDigest', intentDigest('transferFunds', [{ ...bigTransfer, amountCents: 100_001 }])],
      ['runId', 'another-run'],
      ['workflowId', 'another-workflow'],
      ['stepId', 'writ-step-9'],
      ['action', 'refundPayment'],
      ['policyVersion', 'v0-forged'],
    ])('refuses a statement with the right request digest but another %s (APPROVAL_MISMATCH)', async (field, value) => {
      // Signed by the trusted identity provider, for an authorized approver: only the field lies.
      const statement = await approvalStatement(env.idp, 'bob', OPERATORS.bob, { ...pending, [field]: value });
      expect(await refusalCode(approve(handle, statement))).toBe('APPROVAL_MISMATCH');
      expect((await handle.query<PendingApproval | null>(PENDING_QUERY))?.approvers).toEqual([]);
    });

    it('refuses an expired approval (APPROVAL_EXPIRED)', async () => {
      const past = DevIdentityProvider.open(`${env.dir}/idp`, { clock: () => new Date(Date.now() - 3_600_000) });
      const statement = await approvalStatement(past, 'bob', OPERATORS.bob, pending, 'approve', 60);
      expect(await refusalCode(approve(handle, statement))).toBe('APPROVAL_EXPIRED');
    });

    it('counts an approver once and refuses a replayed statement (APPROVAL_REPLAYED, APPROVAL_DUPLICATE_APPROVER)', async () => {
      const bobs = await approvalBy(env.idp, 'bob', pending);
      expect(await approve(handle, bobs)).toMatchObject({ approvals: 1 });
      expect(await refusalCode(approve(handle, bobs))).toBe('APPROVAL_REPLAYED');
      expect(await refusalCode(approve(handle, await approvalBy(env.idp, 'bob', pending)))).toBe('APPROVAL_DUPLICATE_APPROVER');
      expect((await handle.query<PendingApproval | null>(PENDING_QUERY))?.approvers).toEqual(['bob']);
    });

    it('never ran the action', () => {
      expect(transfersNow()).toBe(before);
    });
  });

  describe('when no one approves in time', () => {
    it('the wait expires into a recorded denial (APPROVAL_TIMEOUT)', async () => {
      const before = transfersNow();
      const handle = await startBigTransfer('transferWithShortApprovalWait');
      expect(await refusalCode(handle.result())).toBe('APPROVAL_TIMEOUT');
      expect(transfersNow()).toBe(before);
    });

    it('the timeout is in the evidence log as a signed denial record (stage approval), verified with the receipt key', async () => {
      const handle = await startBigTransfer('transferWithShortApprovalWait');
      expect(await refusalCode(handle.result())).toBe('APPROVAL_TIMEOUT');
      const runId = (await handle.describe()).runId;
      const denial = (await loggedEntries(env.logDir)).find((entry) => entry.kind === 'denial' && entry.runId === runId);
      expect(denial).toMatchObject({ stepId: 'writ-step-1' });
      const { payload, protectedHeader } = await compactVerify(denial!.evidence, createLocalJWKSet(env.receiptKeyStore.exportPublicJwks()));
      expect(protectedHeader.typ).toBe(DENIAL_TYP);
      const claims = DenialClaimsSchema.parse(JSON.parse(Buffer.from(payload).toString('utf8')));
      expect(claims.writ).toMatchObject({
        stage: 'approval',
        code: 'APPROVAL_TIMEOUT',
        principal: { id: TREASURER.principal },
        runtime: { workflowId: handle.workflowId, runId, stepId: 'writ-step-1', activityId: null },
        intent: { action: 'transferFunds', argsDigest: intentDigest('transferFunds', [bigTransfer]) },
        policy: { determiningPolicies: expect.arrayContaining([expect.any(String)]) },
      });
      // The auditor knows the recording activity for one of Writ's own, and the run replays.
      const verdict = await verifyLive({
        client: env.anonymousClient(),
        selection: { workflowIds: [handle.workflowId] },
        keys: env.auditKeys(),
        policySets: [policySetEvidence(loadPolicySet(resolve(__dirname, '../../examples/policies')))],
        namespace: env.namespace,
        replay: { workflowsPath: require.resolve('../fixtures/workflows') },
      });
      expect(verdict.runs.map((run) => ({ findings: run.findings.map((finding) => finding.code), replay: run.replay }))).toEqual([{ findings: [], replay: 'passed' }]);
    });
  });

  describe('when an approver denies', () => {
    it('the step fails with APPROVAL_DENIED and the action never runs', async () => {
      const before = transfersNow();
      const handle = await startBigTransfer();
      const pending = await awaitPending(handle);
      expect(await approve(handle, await approvalBy(env.idp, 'erin', pending, 'deny'))).toMatchObject({ decision: 'deny' });
      expect(await refusalCode(handle.result())).toBe('APPROVAL_DENIED');
      expect(transfersNow()).toBe(before);
    });
  });

  describe('when the worker restarts while a run awaits approval', () => {
    it('loses nothing: the approvals given before and after the restart count', async () => {
      const before = transfersNow();
      const handle = await startBigTransfer();
      const pending = await awaitPending(handle);
      await approve(handle, await approvalBy(env.idp, 'bob', pending));
      await env.restartWorker();
      expect((await awaitPending(handle)).approvers).toEqual(['bob']);
      await approve(handle, await approvalBy(env.idp, 'carol', pending));
      await handle.result();
      expect(transfersNow()).toBe(before + 1);
    });
  });
});
