import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { AUTHORIZE_ACTIVITY } from '../../core/protocol/authorizeContract';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';

let env: GovernedTestEnv;
beforeAll(async () => {
  env = await createGovernedTestEnv();
});
afterAll(async () => {
  await env?.close();
});

/** The ApplicationFailure a run failed with, under an ActivityFailure when an activity raised it. */
function failureOf(error: unknown): ApplicationFailure | undefined {
  if (!(error instanceof WorkflowFailedError)) return undefined;
  const cause = error.cause instanceof ActivityFailure ? error.cause.cause : error.cause;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

type HistoryEvent = { activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null };

/** The activity types the run scheduled, in order. */
async function scheduledActivities(handle: { fetchHistory(): Promise<{ events?: HistoryEvent[] | null }> }): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

async function run(workflowType: string, args: unknown[]) {
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  const transfersBefore = env.stores.ledger.listTransfers().length;
  const handle = await client.workflow.start(workflowType, { taskQueue: env.taskQueue, workflowId: `bounded-${workflowType}-${Date.now()}`, args, workflowExecutionTimeout: '60s' });
  const error = await handle.result().then(() => undefined, (e: unknown) => e);
  return { handle, error, transfersBefore };
}

describe('when a workflow builds an argument larger than the bound', () => {
  it('fails the run at once with INPUT_TOO_LARGE (non-retryable), authorizes nothing and runs nothing', async () => {
    const { handle, error, transfersBefore } = await run('transferWithLargeMemo', [{ memoBytes: 5 * 1024 * 1024 }]);
    expect(failureOf(error)).toMatchObject({ type: 'INPUT_TOO_LARGE', nonRetryable: true });
    expect(await scheduledActivities(handle)).not.toContain(AUTHORIZE_ACTIVITY);
    expect(await scheduledActivities(handle)).not.toContain('transferFunds');
    expect(env.stores.ledger.listTransfers()).toHaveLength(transfersBefore);
  });

  it('applies the bound a proxy sets with maxInputBytes', async () => {
    const { handle, error, transfersBefore } = await run('transferWithLargeMemo', [{ memoBytes: 2048, tight: true }]);
    expect(failureOf(error)).toMatchObject({ type: 'INPUT_TOO_LARGE', nonRetryable: true });
    expect(await scheduledActivities(handle)).not.toContain(AUTHORIZE_ACTIVITY);
    expect(env.stores.ledger.listTransfers()).toHaveLength(transfersBefore);
  });
});

describe('when a hand-written workflow skips proxyGoverned', () => {
  it('has writ.authorize refuse an argument over the fixed cap with INPUT_TOO_LARGE', async () => {
    const { handle, error, transfersBefore } = await run('authorizeAroundProxy', [{ memoBytes: 1536 * 1024 }]);
    expect(failureOf(error)).toMatchObject({ type: 'INPUT_TOO_LARGE', nonRetryable: true });
    expect(await scheduledActivities(handle)).toEqual(['writ.verifyIdentity', AUTHORIZE_ACTIVITY]);
    expect(env.stores.ledger.listTransfers()).toHaveLength(transfersBefore);
  });
});
