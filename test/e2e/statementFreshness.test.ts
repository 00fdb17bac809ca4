import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { join } from 'node:path';
import { sha256Digest } from '../../core/canonical/digest';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import {
  APPROVE_UPDATE,
  CONTROL_WORKFLOW_ID,
  KILL_SWITCH_STATE_QUERY,
  KILL_SWITCH_UPDATE,
  PENDING_QUERY,
  type ApprovalAnswer,
  type KillSwitchInForce,
  type KillSwitchReceipt,
  type PendingApproval,
} from '../../core/protocol/operatorContract';
import { awaitPending } from '../support/awaitPending';
import { failureCode } from '../support/failureCode';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { approvalBy, haltBy, resumeBy } from '../support/operatorStatements';

// Every signed operator statement takes effect once, while fresh, on the state it names.
// Each case plays the attack against a real dev server and a real governed worker.

const MINUTES = 60_000;
// Writ's clock (authorization, enforcement, the freshness of statements), moved by the tests.
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

let env: GovernedTestEnv;
beforeAll(async () => {
  env = await createGovernedTestEnv({ clock });
});
afterAll(async () => env?.close());
afterEach(() => {
  offsetMs = 0;
});

/** The environment's identity provider (same key), signing as if it were `shiftMs` from now. */
function idpAt(shiftMs: number): DevIdentityProvider {
  return DevIdentityProvider.open(join(env.dir, 'idp'), { clock: () => new Date(Date.now() + shiftMs) });
}

const small = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 300 };
const big = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 };
let counter = 0;
const transfersNow = () => env.stores.ledger.listTransfers().length;

async function start(args: unknown[]): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  counter += 1;
  return client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `fresh-${Date.now()}-${counter}`, args });
}

async function control(): Promise<WorkflowHandle> {
  const client = await env.clientAs('olivia', ['operators']);
  return client.workflow.start('writControl', { taskQueue: env.taskQueue, workflowId: `${CONTROL_WORKFLOW_ID}-${env.taskQueue}`, workflowIdConflictPolicy: 'USE_EXISTING', args: [] });
}
const send = async (statement: string) => (await control()).executeUpdate<KillSwitchReceipt, [string]>(KILL_SWITCH_UPDATE, { args: [statement] });
const inForce = async () => (await control()).query<KillSwitchInForce | null>(KILL_SWITCH_STATE_QUERY);
/** Lifts whatever halt the control workflow reports in force, as `writ resume` does. */
async function liftInForce(): Promise<void> {
  const state = await inForce();
  if (state?.engaged) await send(await resumeBy(env.idp, 'olivia', env.namespace, state.statementDigest));
}

describe('when a resume is delivered after a new halt', () => {
  afterEach(() => liftInForce());

  it('a resume held back from the first halt cannot lift the second (KILL_SWITCH_STATE_MISMATCH), nor a recorded one (STATEMENT_REPLAYED), and nothing runs', async () => {
    const first = await haltBy(env.idp, 'olivia', env.namespace);
    await send(first);
    // Two resumes for the first halt: one is delivered, the other kept by an attacker.
    const heldBack = await resumeBy(env.idp, 'olivia', env.namespace, sha256Digest(first));
    const delivered = await resumeBy(env.idp, 'olivia', env.namespace, sha256Digest(first));
    await send(delivered);
    const second = await haltBy(env.idp, 'olivia', env.namespace, 'second incident');
    await send(second);

    expect(await failureCode(send(heldBack))).toBe('KILL_SWITCH_STATE_MISMATCH');
    expect(await failureCode(send(delivered))).toBe('STATEMENT_REPLAYED');
    await expect(env.governance.killSwitch(env.namespace)).resolves.toMatchObject({ engaged: true, statementDigest: sha256Digest(second) });
    await expect(inForce()).resolves.toMatchObject({ engaged: true, statementDigest: sha256Digest(second) });
    const before = transfersNow();
    expect(await failureCode((await start([small])).result())).toBe('KILL_SWITCH_ENGAGED');
    expect(transfersNow()).toBe(before);

    // The halt in force, as the control workflow reports it, is what a resume names.
    await liftInForce();
    await expect(env.governance.killSwitch(env.namespace)).resolves.toMatchObject({ engaged: false });
  });
});

describe('when a statement was signed long ago', () => {
  afterEach(() => liftInForce());

  it('a halt or a resume signed ten minutes before it is delivered is STATEMENT_STALE and changes nothing', async () => {
    const past = idpAt(-10 * MINUTES);
    expect(await failureCode(send(await haltBy(past, 'olivia', env.namespace)))).toBe('STATEMENT_STALE');
    await expect(env.governance.killSwitch(env.namespace)).resolves.toMatchObject({ engaged: false });

    const halt = await haltBy(env.idp, 'olivia', env.namespace);
    await send(halt);
    expect(await failureCode(send(await resumeBy(past, 'olivia', env.namespace, sha256Digest(halt))))).toBe('STATEMENT_STALE');
    await expect(env.governance.killSwitch(env.namespace)).resolves.toMatchObject({ engaged: true, statementDigest: sha256Digest(halt) });
  });

  it('an approval signed ten minutes before it is delivered is STATEMENT_STALE: not counted, nothing authorized', async () => {
    const before = transfersNow();
    const handle = await start([big]);
    const pending = await awaitPending(handle);
    const old = await approvalBy(idpAt(-10 * MINUTES), 'bob', pending);
    expect(await failureCode(handle.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [old] }))).toBe('STATEMENT_STALE');
    await expect(handle.query<PendingApproval | null>(PENDING_QUERY)).resolves.toMatchObject({ approvers: [] });
    await handle.terminate('test over');
    expect(transfersNow()).toBe(before);
  });
});

describe('when an approval verified on arrival is presented again to a later authorization', () => {
  it('counts: its step already used it, so its age by then is no reason to refuse it', async () => {
    const before = transfersNow();
    const handle = await start([big]);
    const pending = await awaitPending(handle);
    await handle.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [await approvalBy(env.idp, 'bob', pending)] });
    // Ten minutes on, the second approver signs; the authorization that follows is
    // presented bob's approval, older than the window by then.
    offsetMs = 10 * MINUTES;
    const answer = await handle.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [await approvalBy(idpAt(10 * MINUTES), 'carol', pending)] });
    expect(answer.approvals).toBe(2);
    await expect(handle.result()).resolves.toMatchObject({ transferId: expect.any(String) });
    expect(transfersNow()).toBe(before + 1);
  });
});
