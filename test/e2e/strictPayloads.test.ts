// Governed arguments sent as raw JSON bytes, as an attacker sends them (a hand-made payload
// from workflow code or a plain Temporal client): a duplicate member, a number a double
// rounds, a lone surrogate. JSON.parse read each as a value other than the recorded text,
// and that value was authorized and run. Writ's payload converter refuses them with their
// codes, non-retryable, at writ.authorize, at the enforcement point and at workflow start.
import { resolve } from 'node:path';
import { Client, WorkflowFailedError, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RawValue, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { encode, decode } from '@temporalio/common/lib/encoding';
import { identityInterceptor } from '../../core/client/identityInterceptor';
import { AUTHORIZE_ACTIVITY } from '../../core/protocol/authorizeContract';
import { loadPolicySet } from '../../core/policy/policySet';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { forge, validContent } from '../support/forgeArtifact';

let env: GovernedTestEnv;
const policyDigest = loadPolicySet(resolve(__dirname, '../../examples/policies')).digest;
beforeAll(async () => {
  env = await createGovernedTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const DUPLICATE_MEMBER = '{"fromAccount":"acct-alice","toAccount":"acct-bob","amountCents":1,"amountCents":900}';
// JSON.parse reads 100, an integer the schema and policy permit; the text says otherwise.
const ROUNDED_FRACTION = '{"fromAccount":"acct-alice","toAccount":"acct-bob","amountCents":100.000000000000001}';
const ABOVE_2_53 = '{"fromAccount":"acct-alice","toAccount":"acct-bob","amountCents":9007199254740993}';
const LONE_SURROGATE = '{"fromAccount":"acct-alice","toAccount":"acct-bob","amountCents":100,"memo":"rent \\ud800"}';

type HistoryEvent = {
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null; input?: { payloads?: Payload[] | null } | null } | null;
  activityTaskStartedEventAttributes?: { attempt?: number | null } | null;
};

let counter = 0;
async function start(workflowType: string, argsJson: string, client?: Client): Promise<WorkflowHandleWithFirstExecutionRunId> {
  counter += 1;
  const starter = client ?? (await env.clientAs(TREASURER.principal, TREASURER.groups));
  return starter.workflow.start(workflowType, { taskQueue: env.taskQueue, workflowId: `strict-${workflowType}-${Date.now()}-${counter}`, args: [{ argsJson }], workflowExecutionTimeout: '30s' });
}

/** The run's failure: an ApplicationFailure, under its ActivityFailure when an activity raised it. */
async function failureOf(handle: WorkflowHandle): Promise<{ failure: ApplicationFailure | undefined; byActivity: boolean }> {
  const error = await handle.result().then(() => undefined, (e: unknown) => e);
  if (!(error instanceof WorkflowFailedError)) throw new Error(`expected the run to fail, got ${String(error)}`);
  const byActivity = error.cause instanceof ActivityFailure;
  const cause = byActivity ? (error.cause as ActivityFailure).cause : error.cause;
  return { failure: cause instanceof ApplicationFailure ? cause : undefined, byActivity };
}

async function historyOf(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return ((await handle.fetchHistory()).events ?? []) as HistoryEvent[];
}

/** The activity types the run scheduled, in order. */
function scheduled(events: HistoryEvent[]): string[] {
  return events.flatMap((e) => {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

/** The recorded input of the first `activityType` scheduled, as text. */
function recordedInput(events: HistoryEvent[], activityType: string): string {
  const event = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType);
  return decode(event!.activityTaskScheduledEventAttributes!.input!.payloads![0]!.data!);
}

/** Expects the run to fail with `code` raised by an activity, non-retryable, after one attempt, and no transfer. */
async function expectRefused(handle: WorkflowHandle, code: string, transfersBefore: number): Promise<HistoryEvent[]> {
  const { failure, byActivity } = await failureOf(handle);
  expect(byActivity).toBe(true);
  expect(failure).toMatchObject({ type: code, nonRetryable: true });
  const events = await historyOf(handle);
  expect(events.flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : [])).every((attempt) => attempt === 1)).toBe(true);
  expect(env.stores.ledger.listTransfers()).toHaveLength(transfersBefore);
  return events;
}

/** Starts the reach-around workflow with `argsJson` and presents a genuine artifact for `args`, the value JSON.parse reads. */
async function presentGenuineArtifact(argsJson: string, args: unknown): Promise<WorkflowHandle> {
  const handle = await start('scheduleRawWithArtifact', argsJson);
  const target = {
    namespace: env.namespace,
    taskQueue: env.taskQueue,
    workflowId: handle.workflowId,
    runId: handle.firstExecutionRunId,
    activityId: 'writ-step-1.1',
    action: 'transferFunds',
    args: [args],
    policyDigest,
  };
  await handle.signal('presentArtifact', await forge(validContent(target), env.signer));
  return handle;
}

describe('when a governed argument carries a duplicate member', () => {
  it('has writ.authorize refuse it (CANONICAL_DUPLICATE_KEY, non-retryable): nothing is authorized or run', async () => {
    const transfersBefore = env.stores.ledger.listTransfers().length;
    const handle = await start('authorizeAndRunRawArgs', DUPLICATE_MEMBER);
    const events = await expectRefused(handle, 'CANONICAL_DUPLICATE_KEY', transfersBefore);
    expect(scheduled(events)).not.toContain('transferFunds');
    // History records both members; JSON.parse, as the authorize activity used to, reads the last.
    const recorded = recordedInput(events, AUTHORIZE_ACTIVITY);
    expect(recorded).toContain('"amountCents":1,"amountCents":900');
    expect((JSON.parse(recorded) as { args: [{ amountCents: number }] }).args[0].amountCents).toBe(900);
  });

  it('has the enforcement point refuse it under a genuine artifact for the last member (CANONICAL_DUPLICATE_KEY)', async () => {
    const transfersBefore = env.stores.ledger.listTransfers().length;
    const handle = await presentGenuineArtifact(DUPLICATE_MEMBER, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 900 });
    const events = await expectRefused(handle, 'CANONICAL_DUPLICATE_KEY', transfersBefore);
    expect(recordedInput(events, 'transferFunds')).toBe(DUPLICATE_MEMBER);
  });

  it('runs the same raw step when the bytes say one thing (the refusal is the duplicate, not the route)', async () => {
    const transfersBefore = env.stores.ledger.listTransfers().length;
    const handle = await presentGenuineArtifact('{"fromAccount":"acct-alice","toAccount":"acct-bob","amountCents":900}', { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 900 });
    await handle.result();
    expect(env.stores.ledger.listTransfers()).toHaveLength(transfersBefore + 1);
  });
});

describe('when a governed number does not read back as written', () => {
  it('has writ.authorize refuse a fraction a double rounds to a permitted integer (CANONICAL_NUMBER_IMPRECISE)', async () => {
    const transfersBefore = env.stores.ledger.listTransfers().length;
    const handle = await start('authorizeAndRunRawArgs', ROUNDED_FRACTION);
    const events = await expectRefused(handle, 'CANONICAL_NUMBER_IMPRECISE', transfersBefore);
    expect(scheduled(events)).not.toContain('transferFunds');
    expect((JSON.parse(recordedInput(events, AUTHORIZE_ACTIVITY)) as { args: [{ amountCents: number }] }).args[0].amountCents).toBe(100);
  });

  it('has writ.authorize refuse 2^53 + 1 in a z.number() field (CANONICAL_NUMBER_IMPRECISE)', async () => {
    const transfersBefore = env.stores.ledger.listTransfers().length;
    const handle = await start('authorizeAndRunRawArgs', ABOVE_2_53);
    expect(scheduled(await expectRefused(handle, 'CANONICAL_NUMBER_IMPRECISE', transfersBefore))).not.toContain('transferFunds');
  });

  it('has the enforcement point refuse it under a genuine artifact for the rounded value (CANONICAL_NUMBER_IMPRECISE)', async () => {
    const transfersBefore = env.stores.ledger.listTransfers().length;
    const handle = await presentGenuineArtifact(ROUNDED_FRACTION, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 });
    await expectRefused(handle, 'CANONICAL_NUMBER_IMPRECISE', transfersBefore);
  });
});

describe('when a governed string holds a lone surrogate', () => {
  it('has writ.authorize refuse it (CANONICAL_LONE_SURROGATE)', async () => {
    const transfersBefore = env.stores.ledger.listTransfers().length;
    const handle = await start('authorizeAndRunRawArgs', LONE_SURROGATE);
    expect(scheduled(await expectRefused(handle, 'CANONICAL_LONE_SURROGATE', transfersBefore))).not.toContain('transferFunds');
  });

  it('has the enforcement point refuse it (CANONICAL_LONE_SURROGATE)', async () => {
    const transfersBefore = env.stores.ledger.listTransfers().length;
    // No artifact can bind a lone surrogate (canonical JSON refuses it); this one binds what a
    // lenient UTF-8 reading would have made of it.
    const handle = await presentGenuineArtifact(LONE_SURROGATE, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100, memo: 'rent \ufffd' });
    await expectRefused(handle, 'CANONICAL_LONE_SURROGATE', transfersBefore);
  });
});

describe('when a plain Temporal client starts a governed workflow with a duplicate member', () => {
  // Temporal decodes a workflow's input before any interceptor runs and treats a decoding
  // error as a failed workflow task, not a failed run: the run stays stopped at its start
  // (retrying the task) until it times out or is terminated. Fail closed: it never reads
  // the input, so it schedules nothing.
  it('fails its workflow task with CANONICAL_DUPLICATE_KEY: the input is never read, nothing is scheduled', async () => {
    const token = await env.idp.mintToken({ principal: TREASURER.principal, groups: TREASURER.groups });
    // Temporal's own client and default converter, as anyone with access to the namespace has.
    const plain = new Client({ connection: env.connection, namespace: env.namespace, interceptors: { workflow: [identityInterceptor(() => token)] } });
    const transfersBefore = env.stores.ledger.listTransfers().length;
    const raw = RawValue.fromPayload({ metadata: { encoding: encode('json/plain') }, data: encode(DUPLICATE_MEMBER) });
    expect(defaultPayloadConverter.fromPayload(raw.payload)).toMatchObject({ amountCents: 900 });
    const handle = await plain.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `strict-start-${Date.now()}`, args: [raw], workflowExecutionTimeout: '30s' });
    const taskFailure = await firstWorkflowTaskFailure(handle);
    await handle.terminate('test done');
    expect(taskFailure).toMatchObject({ type: 'CANONICAL_DUPLICATE_KEY', nonRetryable: true });
    expect(scheduled(await historyOf(handle))).toEqual([]);
    expect(env.stores.ledger.listTransfers()).toHaveLength(transfersBefore);
  });
});

type TaskFailedEvent = { workflowTaskFailedEventAttributes?: { failure?: { applicationFailureInfo?: { type?: string | null; nonRetryable?: boolean | null } | null } | null } | null };

/** Polls the run's history (up to 10 s) for its first failed workflow task's application failure. */
async function firstWorkflowTaskFailure(handle: WorkflowHandle): Promise<{ type?: string | null; nonRetryable?: boolean | null } | undefined> {
  for (let i = 0; i < 200; i += 1) {
    const events = ((await handle.fetchHistory()).events ?? []) as TaskFailedEvent[];
    const failed = events.find((e) => e.workflowTaskFailedEventAttributes);
    if (failed !== undefined) return failed.workflowTaskFailedEventAttributes?.failure?.applicationFailureInfo ?? undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${handle.workflowId} never failed a workflow task`);
}
