import { randomUUID } from 'node:crypto';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { governedStepsFromHistory } from '../../core/history/governedSteps';
import { IDENTITY_HEADER, START_PROOF_HEADER } from '../../core/protocol/headers';
import { failureCode } from '../support/failureCode';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';

// An attacker who can read workflow histories (the Web UI gives that to many people) and
// run a plain Temporal client copies a governed run's start headers and starts runs of
// their own with them. Each attempt must start nothing that acts: its identity check fails
// with a stable code, no governed step is authorized, and the ledger does not move.

let env: GovernedTestEnv;
beforeAll(async () => {
  env = await createGovernedTestEnv();
}, 120_000);
afterAll(async () => env?.close());

const transfer = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 700 };

/** The Writ headers on a finished run's start event, as anyone reading its history sees them. */
async function startHeadersOf(workflowId: string): Promise<Record<string, Payload>> {
  const history = await env.anonymousClient().workflow.getHandle(workflowId).fetchHistory();
  const fields = history.events![0]!.workflowExecutionStartedEventAttributes!.header!.fields! as Record<string, Payload>;
  return Object.fromEntries(Object.entries(fields).filter(([name]) => name.startsWith('writ-')));
}

/** A plain Temporal client that sends `headers` with every start: no Writ, no key. */
function clientSending(headers: Record<string, Payload>): Client {
  const copying: WorkflowClientInterceptor = { start: (input, next) => next({ ...input, headers: { ...input.headers, ...headers } }) };
  return new Client({ connection: env.connection, namespace: env.namespace, interceptors: { workflow: [copying] } });
}

/** A governed transfer by the treasurer, completed; its workflow id. */
async function genuineRun(client: Client): Promise<string> {
  const workflowId = `genuine-${randomUUID()}`;
  await client.workflow.execute('transferFunds', { taskQueue: env.taskQueue, workflowId, args: [transfer] });
  return workflowId;
}

/** Starts `workflowId` with `client`, expecting the run to fail at its identity check with `code` and nothing to move. */
async function expectStartsNothing(client: Client, workflowId: string, code: string): Promise<void> {
  const before = env.stores.ledger.listTransfers().length;
  const handle = await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId, args: [transfer], workflowIdReusePolicy: 'ALLOW_DUPLICATE' });
  await expect(failureCode(handle.result())).resolves.toBe(code);
  expect(governedStepsFromHistory(await handle.fetchHistory())).toHaveLength(0);
  expect(env.stores.ledger.listTransfers()).toHaveLength(before);
}

describe('when a token bound to a key is copied from a history', () => {
  let workflowId: string;
  let copied: Record<string, Payload>;
  beforeAll(async () => {
    workflowId = await genuineRun(await env.clientAs(TREASURER.principal, TREASURER.groups));
    copied = await startHeadersOf(workflowId);
    expect(Object.keys(copied).sort()).toEqual([IDENTITY_HEADER, START_PROOF_HEADER]);
  });

  it('with its proof, for another workflow id: START_PROOF_BINDING_MISMATCH', async () => {
    await expectStartsNothing(clientSending(copied), `replay-${randomUUID()}`, 'START_PROOF_BINDING_MISMATCH');
  });

  it('with its proof, for the same workflow id once the run has closed: IDENTITY_REPLAYED', async () => {
    await expectStartsNothing(clientSending(copied), workflowId, 'IDENTITY_REPLAYED');
  });

  it('without its proof: START_PROOF_MISSING', async () => {
    await expectStartsNothing(clientSending({ [IDENTITY_HEADER]: copied[IDENTITY_HEADER]! }), `replay-${randomUUID()}`, 'START_PROOF_MISSING');
  });
});

describe('when a token bound to no key is copied from a history', () => {
  it('starts nothing a second time: IDENTITY_REPLAYED', async () => {
    const identityToken = await env.idp.mintToken({ principal: TREASURER.principal, groups: TREASURER.groups });
    const plain = clientSending({ [IDENTITY_HEADER]: defaultPayloadConverter.toPayload(identityToken) });
    const workflowId = `unbound-${randomUUID()}`;
    await plain.workflow.execute('transferFunds', { taskQueue: env.taskQueue, workflowId, args: [transfer] });
    const copied = await startHeadersOf(workflowId);
    await expectStartsNothing(clientSending(copied), `replay-${randomUUID()}`, 'IDENTITY_REPLAYED');
  });
});
