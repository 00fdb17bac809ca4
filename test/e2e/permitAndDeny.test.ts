import { WorkflowFailedError } from '@temporalio/client';
import { APPROVE_UPDATE } from '../../core/protocol/operatorContract';
import { approvalStatement } from '../support/operatorStatements';
import { ApplicationFailure } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { canonicalDigest, sha256Digest } from '../../core/canonical/digest';
import { verifyArtifact } from '../../core/artifact/verifyArtifact';
import { verifyReceipt } from '../../core/receipt/verifyReceipt';
import { actionOutcome, authorizationResult, governedStepsFromHistory } from '../../core/history/governedSteps';
import { AGENT, createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { awaitPending } from '../support/awaitPending';
import { AUTHORIZATION_MODES_UNDER_TEST, authorizationRecords, recordedAs } from '../support/authorizationRecords';

let env: GovernedTestEnv;

function failureType(error: unknown): string | undefined {
  if (!(error instanceof WorkflowFailedError)) return undefined;
  return error.cause instanceof ApplicationFailure ? (error.cause.type ?? undefined) : undefined;
}

// Every case runs with writ.authorize as an activity and as a local activity.
describe.each(AUTHORIZATION_MODES_UNDER_TEST)('with authorization as %s', (mode) => {
  beforeAll(async () => {
    env = await createGovernedTestEnv({ authorization: mode });
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('when policy permits the action', () => {
    it('runs the action once, with a header artifact that verifies and a matching receipt', async () => {
      const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
      const before = env.stores.ledger.getAccount('acct-bob')!.balanceCents;
      const handle = await client.workflow.start('transferFunds', {
        taskQueue: env.taskQueue,
        workflowId: `permit-${Date.now()}`,
        args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 12_345 }],
      });
      const result = (await handle.result()) as { transferId: string; replayed: boolean };
      expect(result.replayed).toBe(false);
      expect(env.stores.ledger.getAccount('acct-bob')!.balanceCents).toBe(before + 12_345);
      expect(env.stores.ledger.listTransfers()).toHaveLength(1);

      const history = await handle.fetchHistory();
      expect(authorizationRecords(history)).toEqual(recordedAs(mode, 1));
      const steps = governedStepsFromHistory(history);
      expect(steps).toHaveLength(1);
      const step = steps[0]!;
      const authorization = authorizationResult(step)!;
      expect(authorization.principal).toBe('alice');
      expect(authorization.determiningPolicies).toEqual(['transfers-permit-treasury']);
      // The artifact the action received is the one authorize minted, and it verifies
      // against the execution as the history records it.
      expect(step.execution!.headerArtifact).toBe(authorization.artifact);
      const describe = await handle.describe();
      const claims = await verifyArtifact(step.execution!.headerArtifact, {
        namespace: env.namespace,
        taskQueue: env.taskQueue,
        workflowId: handle.workflowId,
        runId: describe.runId,
        activityId: step.activityId,
        activityType: 'transferFunds',
        attempt: 1,
        args: step.execution!.args,
      }, { keys: env.trustedKeys, now: new Date(), clockSkewSeconds: 5, maxLifetimeSeconds: 900 });
      expect(claims.sub).toBe('alice');
      expect(claims.writ.lineage).toEqual({ sequence: 1, previous: null, parent: null });

      const outcome = actionOutcome(step)!;
      expect(outcome.result).toEqual(result);
      const receipt = await verifyReceipt(outcome.writReceipt, { artifactDigest: sha256Digest(authorization.artifact), resultDigest: canonicalDigest(result) }, env.receiptKeys);
      expect(receipt.writ.outcome).toBe('completed');
      expect(receipt.writ.artifactId).toBe(authorization.artifactId);
      const verdict = await env.audit([handle.workflowId]);
      expect(verdict.runs[0]!.findings).toEqual([]);
      expect(verdict.passed).toBe(true);
    });
  });

  describe('when policy denies the action', () => {
    it.each([
      ['above the transfer limit', { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 2_500_000 }, 'transfers-forbid-over-limit'],
      ['to a frozen account', { fromAccount: 'acct-alice', toAccount: 'acct-mallory', amountCents: 100 }, 'transfers-forbid-frozen'],
    ])('never runs the transfer %s and records the denied authorize', async (_name, input, policy) => {
      const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
      const transfersBefore = env.stores.ledger.listTransfers().length;
      const balances = ['acct-alice', 'acct-bob', 'acct-treasury', 'acct-mallory'].map((id) => env.stores.ledger.getAccount(id)!.balanceCents);
      const handle = await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `deny-${Date.now()}-${policy}`, args: [input] });
      const error = await handle.result().then(() => undefined, (e: unknown) => e);
      expect(failureType(error)).toBe('POLICY_DENIED');
      expect((error as WorkflowFailedError).cause!.message).toContain(policy);
      expect((error as WorkflowFailedError).cause instanceof ApplicationFailure && (error as WorkflowFailedError).cause).toMatchObject({ nonRetryable: true });
      expect(env.stores.ledger.listTransfers()).toHaveLength(transfersBefore);
      expect(['acct-alice', 'acct-bob', 'acct-treasury', 'acct-mallory'].map((id) => env.stores.ledger.getAccount(id)!.balanceCents)).toEqual(balances);

      const history = await handle.fetchHistory();
      expect(authorizationRecords(history)).toEqual(recordedAs(mode, 1));
      const [step] = governedStepsFromHistory(history);
      expect(step!.authorization.end).toMatchObject({ status: 'failed', code: 'POLICY_DENIED' });
      expect(step!.execution).toBeUndefined();
      const verdict = await env.audit([handle.workflowId]);
      expect(verdict.runs[0]!.findings).toEqual([]);
      expect(verdict.runs[0]!.steps.map((s) => [s.decision, s.denialCode, s.outcome])).toEqual([['deny', 'POLICY_DENIED', 'not-scheduled']]);
    });

    it('refuses a production change outside a change window; inside one it waits for a change manager', async () => {
      const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
      const change = { environment: 'production', service: 'payments-api', change: 'rotate TLS certificate' };
      const denied = await client.workflow.start('changeInfrastructure', { taskQueue: env.taskQueue, workflowId: `infra-deny-${Date.now()}`, args: [change] });
      expect(failureType(await denied.result().then(() => undefined, (e: unknown) => e))).toBe('POLICY_DENIED');
      expect(env.stores.infra.listChanges()).toHaveLength(0);

      const now = Date.now();
      env.stores.calendar.addWindow({ environment: 'production', startsAt: new Date(now - 60_000), endsAt: new Date(now + 600_000), reason: 'test window' });
      const held = await client.workflow.start('changeInfrastructure', { taskQueue: env.taskQueue, workflowId: `infra-permit-${Date.now()}`, args: [change] });
      const pending = await awaitPending(held);
      expect(pending).toMatchObject({ required: 1, requiredBy: ['infra-require-approval-in-production'] });
      expect(env.stores.infra.listChanges()).toHaveLength(0);
      await held.executeUpdate(APPROVE_UPDATE, { args: [await approvalStatement(env.idp, 'mira', ['change-managers'], pending)] });
      await held.result();
      expect(env.stores.infra.listChanges()).toHaveLength(1);
    });

    it("denies one call of an agent's plan and executes the others", async () => {
      const client = await env.clientAs(AGENT.principal, AGENT.groups);
      const handle = await client.workflow.start('runAgentPlan', {
        taskQueue: env.taskQueue,
        workflowId: `agent-${Date.now()}`,
        args: [[
          { tool: 'agentSearchDocs', input: { query: 'refund' } },
          { tool: 'agentSendEmail', input: { to: 'leak@elsewhere.test', subject: 'customers', body: 'list' } },
          { tool: 'agentIssueRefund', input: { orderId: 'order-7', amountCents: 1500 } },
        ]],
      });
      // A refund touches money: a support lead approves it before it runs.
      const pending = await awaitPending(handle);
      expect(pending.action).toBe('agentIssueRefund');
      expect(env.stores.workspace.listRefunds()).toHaveLength(0);
      await handle.executeUpdate(APPROVE_UPDATE, { args: [await approvalStatement(env.idp, 'sam', ['support-leads'], pending)] });
      const outcomes = (await handle.result()) as { tool: string; status: string; code?: string }[];
      expect(outcomes.map((o) => [o.tool, o.status, o.code])).toEqual([
        ['agentSearchDocs', 'executed', undefined],
        ['agentSendEmail', 'denied', 'POLICY_DENIED'],
        ['agentIssueRefund', 'executed', undefined],
      ]);
      expect(env.stores.workspace.listOutbox()).toHaveLength(0);
      expect(env.stores.workspace.listRefunds()).toHaveLength(1);
      // Each minted artifact extends the run's hash chain; a denial or a hold mints nothing,
      // so the authorization after it links to the last artifact that exists.
      const steps = governedStepsFromHistory(await handle.fetchHistory());
      expect(steps.map((s) => [s.action, s.authorization.request.lineage.sequence])).toEqual([
        ['agentSearchDocs', 1],
        ['agentSendEmail', 2],
        ['agentIssueRefund', 2],
        ['agentIssueRefund', 2],
      ]);
      const first = authorizationResult(steps[0]!)!.artifactDigest;
      expect(steps.slice(1).map((s) => s.authorization.request.lineage.previous)).toEqual([first, first, first]);
      const verdict = await env.audit([handle.workflowId]);
      expect(verdict.runs[0]!.findings).toEqual([]);
    });

    it('fails closed when the principal is in no permitted group', async () => {
      const client = await env.clientAs('mallory', ['contractors']);
      const handle = await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `nogroup-${Date.now()}`, args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 }] });
      expect(failureType(await handle.result().then(() => undefined, (e: unknown) => e))).toBe('POLICY_DENIED');
    });
  });

  describe('when the input is invalid', () => {
    it('rejects it before policy with every problem listed', async () => {
      const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
      const handle = await client.workflow.start('transferFunds', {
        taskQueue: env.taskQueue,
        workflowId: `invalid-${Date.now()}`,
        args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: -5, sneaky: true }],
      });
      const error = (await handle.result().then(() => undefined, (e: unknown) => e)) as WorkflowFailedError;
      expect(failureType(error)).toBe('INPUT_INVALID');
      const cause = error.cause as ApplicationFailure;
      expect(cause.message).toContain('amountCents');
      expect(cause.message).toContain('sneaky');
      const details = cause.details?.[0] as { issues: { path: string }[] };
      expect(details.issues.map((i) => i.path).sort()).toEqual(['(input)', 'amountCents']);
    });
  });

  describe('when a history is exported as JSON and read back', () => {
    it('round-trips through historyToJSON / historyFromJSON with the same governed steps', async () => {
      const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
      const handle = await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `json-${Date.now()}`, args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 5 }] });
      await handle.result();
      const history = await handle.fetchHistory();
      const json = historyToJSON(history);
      const back = historyFromJSON(JSON.parse(json));
      expect(back.events?.length).toBe(history.events?.length);
      expect(governedStepsFromHistory(back)).toEqual(governedStepsFromHistory(history));
    });
  });
});
