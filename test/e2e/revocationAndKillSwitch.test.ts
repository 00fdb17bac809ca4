import type { WorkflowHandleWithFirstExecutionRunId as WorkflowHandle } from '@temporalio/client';
import { resolve } from 'node:path';
import { loadPolicySet } from '../../core/policy/policySet';
import { CONTROL_WORKFLOW_ID, KILL_SWITCH_UPDATE, PENDING_QUERY, REVOKE_UPDATE, type OperatorActReceipt, type PendingApproval } from '../../core/protocol/operatorContract';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { failureCode } from '../support/failureCode';
import { forge, validContent } from '../support/forgeArtifact';
import { sha256Digest } from '../../core/canonical/digest';
import { haltBy, resumeBy, revocationBy } from '../support/operatorStatements';

let env: GovernedTestEnv;
const policyDigest = loadPolicySet(resolve(__dirname, '../../examples/policies')).digest;
beforeAll(async () => {
  env = await createGovernedTestEnv();
});
afterAll(async () => env?.close());

const small = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 300 };
const big = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 };
let counter = 0;
const transfersNow = () => env.stores.ledger.listTransfers().length;

async function start(workflowType: string, args: unknown[]): Promise<WorkflowHandle> {
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  counter += 1;
  return client.workflow.start(workflowType, { taskQueue: env.taskQueue, workflowId: `stop-${Date.now()}-${counter}`, args });
}

function revoke(handle: WorkflowHandle, statement: string): Promise<OperatorActReceipt> {
  return handle.executeUpdate<OperatorActReceipt, [string]>(REVOKE_UPDATE, { args: [statement] });
}

describe('when an operator revokes a run awaiting approval', () => {
  it('the pending approval is cancelled and the action never runs (AUTHORITY_REVOKED)', async () => {
    const before = transfersNow();
    const handle = await start('transferFunds', [big]);
    let pending: PendingApproval | null = null;
    while (pending === null) pending = await handle.query<PendingApproval | null>(PENDING_QUERY);
    const receipt = await revoke(handle, await revocationBy(env.idp, 'olivia', { workflowId: handle.workflowId, runId: handle.firstExecutionRunId }));
    expect(receipt.by).toBe('olivia');
    expect(await failureCode(handle.result())).toBe('AUTHORITY_REVOKED');
    expect(transfersNow()).toBe(before);
    expect((await env.governance.revocation(handle.firstExecutionRunId))?.revokedBy).toBe('olivia');
  });

  it('refuses a revocation signed by someone without authority (OPERATOR_NOT_AUTHORIZED)', async () => {
    const handle = await start('transferFunds', [big]);
    let pending: PendingApproval | null = null;
    while (pending === null) pending = await handle.query<PendingApproval | null>(PENDING_QUERY);
    const statement = await revocationBy(env.idp, 'dave', { workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
    expect(await failureCode(revoke(handle, statement))).toBe('OPERATOR_NOT_AUTHORIZED');
    await expect(env.governance.revocation(handle.firstExecutionRunId)).resolves.toBeUndefined();
    await handle.terminate('test over');
  });

  it('refuses a revocation naming another run (STATEMENT_INVALID)', async () => {
    const handle = await start('transferFunds', [big]);
    const statement = await revocationBy(env.idp, 'olivia', { workflowId: handle.workflowId, runId: 'another-run' });
    expect(await failureCode(revoke(handle, statement))).toBe('STATEMENT_INVALID');
    await handle.terminate('test over');
  });
});

describe('when a run is revoked between authorize and execute', () => {
  it('the artifact minted before the revocation no longer passes the enforcement point', async () => {
    const before = transfersNow();
    const activityId = 'writ-step-1.1';
    const handle = await start('scheduleWithArtifact', [{ action: 'transferFunds', args: [small], activityId }]);
    // A genuine artifact for this very execution...
    const artifact = await forge(
      validContent({ namespace: env.namespace, taskQueue: env.taskQueue, workflowId: handle.workflowId, runId: handle.firstExecutionRunId, activityId, action: 'transferFunds', args: [small], policyDigest }),
      env.signer,
    );
    // ...then the run is revoked, then the action is scheduled with it.
    await revoke(handle, await revocationBy(env.idp, 'olivia', { workflowId: handle.workflowId, runId: handle.firstExecutionRunId }));
    await handle.signal('presentArtifact', artifact);
    expect(await failureCode(handle.result())).toBe('AUTHORITY_REVOKED');
    expect(transfersNow()).toBe(before);
  });
});

describe('when the kill switch is engaged', () => {
  async function control(): Promise<WorkflowHandle> {
    const client = await env.clientAs('olivia', ['operators']);
    return client.workflow.start('writControl', { taskQueue: env.taskQueue, workflowId: `${CONTROL_WORKFLOW_ID}-${env.taskQueue}`, workflowIdConflictPolicy: 'USE_EXISTING', args: [] });
  }
  // The last halt sent, which a resume names.
  let halt = '';
  const flip = async (engage: boolean, operator: 'olivia' | 'dave' = 'olivia') => {
    const statement = engage ? (halt = await haltBy(env.idp, operator, env.namespace)) : await resumeBy(env.idp, operator, env.namespace, sha256Digest(halt));
    return (await control()).executeUpdate<OperatorActReceipt, [string]>(KILL_SWITCH_UPDATE, { args: [statement] });
  };

  afterAll(async () => {
    await flip(false).catch(() => undefined);
  });

  it('refuses a kill-switch statement from someone without authority', async () => {
    expect(await failureCode(flip(true, 'dave'))).toBe('OPERATOR_NOT_AUTHORIZED');
    expect((await env.governance.killSwitch(env.namespace)).engaged).toBe(false);
  });

  it('denies every authorization across workflows until lifted, then lets new ones through', async () => {
    const before = transfersNow();
    expect((await flip(true)).by).toBe('olivia');
    const [first, second] = await Promise.all([start('transferFunds', [small]), start('changeInfrastructure', [{ environment: 'staging', service: 'api', change: 'x' }])]);
    expect(await failureCode(first.result())).toBe('KILL_SWITCH_ENGAGED');
    expect(await failureCode(second.result())).toBe('KILL_SWITCH_ENGAGED');
    expect(transfersNow()).toBe(before);

    await flip(false);
    const after = await start('transferFunds', [small]);
    await after.result();
    expect(transfersNow()).toBe(before + 1);
  });
});

describe('when a signed statement is sent a second time', () => {
  async function control(): Promise<WorkflowHandle> {
    const client = await env.clientAs('olivia', ['operators']);
    return client.workflow.start('writControl', { taskQueue: env.taskQueue, workflowId: `${CONTROL_WORKFLOW_ID}-${env.taskQueue}`, workflowIdConflictPolicy: 'USE_EXISTING', args: [] });
  }
  const send = async (statement: string) => (await control()).executeUpdate<OperatorActReceipt, [string]>(KILL_SWITCH_UPDATE, { args: [statement] });

  let later = '';
  afterAll(async () => {
    await send(await resumeBy(env.idp, 'olivia', env.namespace, sha256Digest(later))).catch(() => undefined);
  });

  it('a resume statement copied from history cannot lift a later kill switch (STATEMENT_REPLAYED), and nothing runs', async () => {
    const engage = await haltBy(env.idp, 'olivia', env.namespace);
    const resume = await resumeBy(env.idp, 'olivia', env.namespace, sha256Digest(engage));
    await send(engage);
    await send(resume);
    // The attacker has read the history (where `resume` is recorded) and waits for the next halt.
    later = await haltBy(env.idp, 'olivia', env.namespace);
    await send(later);
    expect(await failureCode(send(resume))).toBe('STATEMENT_REPLAYED');
    expect(await failureCode(send(engage))).toBe('STATEMENT_REPLAYED');
    expect((await env.governance.killSwitch(env.namespace)).engaged).toBe(true);
    const before = transfersNow();
    const blocked = await start('transferFunds', [small]);
    expect(await failureCode(blocked.result())).toBe('KILL_SWITCH_ENGAGED');
    expect(transfersNow()).toBe(before);
    // A fresh statement of the same operator, naming the later halt, lifts it.
    expect((await send(await resumeBy(env.idp, 'olivia', env.namespace, sha256Digest(later)))).by).toBe('olivia');
    expect((await env.governance.killSwitch(env.namespace)).engaged).toBe(false);
  });
});
