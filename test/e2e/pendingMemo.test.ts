import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { OperatorConsole, type PendingRun } from '../../core/operators/operatorConsole';
import { APPROVE_UPDATE, PENDING_MEMO, type ApprovalAnswer } from '../../core/protocol/operatorContract';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { approvalBy } from '../support/operatorStatements';
import { awaitPending } from '../support/awaitPending';

// The console's pending list comes from one visibility list whose runs carry their pending
// view in their memo: no query per waiting run.
let env: GovernedTestEnv;
beforeAll(async () => {
  env = await createGovernedTestEnv();
});
afterAll(async () => env?.close());

/** Workflow ids the console's client asked `writ.pending` of. */
const queried: string[] = [];
const countQueries: WorkflowClientInterceptor = {
  async query(input, next) {
    queried.push(input.workflowExecution.workflowId);
    return next(input);
  },
};

/** Polls `pending()` (visibility is eventually consistent) until `ready` holds for the runs of `prefix`. */
async function listUntil(operators: OperatorConsole, prefix: string, ready: (runs: PendingRun[]) => boolean): Promise<PendingRun[]> {
  let runs: PendingRun[] = [];
  for (let i = 0; i < 150; i += 1) {
    runs = (await operators.pending()).filter((run) => run.workflowId.startsWith(prefix));
    if (ready(runs)) return runs;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the pending list never settled: ${JSON.stringify(runs.map((run) => [run.workflowId, run.approvers]))}`);
}

it('lists waiting runs from their memos alone, current with each approval, and drops a run once its wait ends', async () => {
  const prefix = `pending-memo-${Date.now()}-`;
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  const transfer = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 };
  const handles = await Promise.all(
    [1, 2, 3].map((n) => client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `${prefix}${n}`, args: [transfer] })),
  );
  const answered = await Promise.all(handles.map((handle) => awaitPending(handle)));

  const operators = new OperatorConsole(new Client({ connection: env.connection, namespace: env.namespace, interceptors: { workflow: [countQueries] } }), env.idp, {
    namespace: env.namespace,
    controlTaskQueue: env.taskQueue,
  });
  queried.length = 0;
  const listed = await listUntil(operators, prefix, (runs) => runs.length === 3);
  expect(queried).toEqual([]);
  // What the memo carries is what the run answers when asked.
  for (const pending of answered) {
    expect(listed.find((run) => run.workflowId === pending.workflowId)).toEqual({ ...pending, workflowType: 'transferFunds' });
  }

  // One approval of the first run: its memo counts it.
  const first = handles[0]!;
  const answer = await first.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [await approvalBy(env.idp, 'bob', answered[0]!)] });
  expect(answer.approvals).toBe(1);
  const afterOne = await listUntil(operators, prefix, (runs) => runs.find((run) => run.workflowId === first.workflowId)?.approvers.length === 1);
  expect(afterOne.find((run) => run.workflowId === first.workflowId)!.approvers).toEqual(['bob']);
  expect(queried).toEqual([]);

  // The second approval ends its wait: the run leaves the list and its memo is cleared.
  await first.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [await approvalBy(env.idp, 'carol', answered[0]!)] });
  await first.result();
  const left = await listUntil(operators, prefix, (runs) => runs.length === 2);
  expect(left.map((run) => run.workflowId).sort()).toEqual([handles[1]!.workflowId, handles[2]!.workflowId]);
  expect((await first.describe()).memo?.[PENDING_MEMO]).toBeUndefined();
  expect(queried).toEqual([]);
  // The memo's commands are part of the run's history: it replays and audits clean.
  const verdict = await env.audit([first.workflowId]);
  expect(verdict.runs[0]!.findings).toEqual([]);
  expect(verdict.runs[0]!.steps.map((step) => [step.decision, step.outcome, step.approvers])).toEqual([
    ['pending', 'pending', []],
    ['permit', 'completed', ['bob', 'carol']],
  ]);

  await Promise.all(handles.slice(1).map((handle) => handle.terminate('test over')));
});
