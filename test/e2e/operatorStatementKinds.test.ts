import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { encodePasskeyStatement } from '../../core/passkeys/passkeyStatement';
import { APPROVAL_AUDIENCE } from '../../core/operators/statements';
import { APPROVE_UPDATE, CONTROL_WORKFLOW_ID, KILL_SWITCH_UPDATE, REVOKE_UPDATE, type ApprovalAnswer, type OperatorActReceipt, type PendingApproval } from '../../core/protocol/operatorContract';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { approvalBy, haltBy, revocationBy } from '../support/operatorStatements';
import { awaitPending } from '../support/awaitPending';
import { failureCode } from '../support/failureCode';

// A production worker: operators' statements count only when made with their own passkey.
let env: GovernedTestEnv;
beforeAll(async () => {
  env = await createGovernedTestEnv({ operators: { statements: ['passkey'] } });
});
afterAll(async () => env?.close());

const bigTransfer = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 };
let counter = 0;

async function startBigTransfer(): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  counter += 1;
  return client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `statement-kinds-${Date.now()}-${counter}`, args: [bigTransfer] });
}

/** A passkey statement approving `pending`, its assertion made by no bound passkey. */
function unboundPasskeyApproval(pending: PendingApproval): string {
  const { requestDigest, workflowId, runId, stepId, action, argsDigest, policyVersion } = pending;
  const bytes = Buffer.from('not a registered credential').toString('base64url');
  return encodePasskeyStatement({
    v: 1,
    kind: 'passkey-statement',
    audience: APPROVAL_AUDIENCE,
    statement: { kind: 'approval', decision: 'approve', requestDigest, workflowId, runId, stepId, action, argsDigest, policyVersion },
    assertion: { id: bytes, rawId: bytes, type: 'public-key', response: { clientDataJSON: bytes, authenticatorData: bytes, signature: bytes }, clientExtensionResults: {} },
  });
}

describe('when the worker accepts only passkey statements', () => {
  it('refuses an approval the identity provider signed (STATEMENT_KIND_REFUSED), counts nothing and moves no money', async () => {
    const before = env.stores.ledger.listTransfers().length;
    const handle = await startBigTransfer();
    const pending = await awaitPending(handle);
    const approve = (statement: string) => handle.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [statement] });

    expect(await failureCode(approve(await approvalBy(env.idp, 'bob', pending)))).toBe('STATEMENT_KIND_REFUSED');
    // A passkey statement gets past the kind and meets the passkey checks: this one's passkey is bound to no one.
    expect(await failureCode(approve(unboundPasskeyApproval(pending)))).toBe('PASSKEY_UNKNOWN');

    const still = await awaitPending(handle);
    expect(still.approvers).toEqual([]);
    expect(env.stores.ledger.listTransfers().length).toBe(before);
    await handle.terminate('test over');
  });

  it('refuses a revocation the identity provider signed (STATEMENT_KIND_REFUSED) and the run is not revoked', async () => {
    const handle = await startBigTransfer();
    await awaitPending(handle);
    const statement = await revocationBy(env.idp, 'olivia', { workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
    expect(await failureCode(handle.executeUpdate<OperatorActReceipt, [string]>(REVOKE_UPDATE, { args: [statement] }))).toBe('STATEMENT_KIND_REFUSED');
    await expect(env.governance.requireStanding(env.namespace, handle.firstExecutionRunId)).resolves.toBeUndefined();
    await handle.terminate('test over');
  });

  it('refuses a kill-switch change the identity provider signed (STATEMENT_KIND_REFUSED) and the switch stays off', async () => {
    const client = await env.clientAs('olivia', ['operators']);
    const control = await client.workflow.start('writControl', { taskQueue: env.taskQueue, workflowId: `${CONTROL_WORKFLOW_ID}-${env.taskQueue}`, workflowIdConflictPolicy: 'USE_EXISTING', args: [] });
    const statement = await haltBy(env.idp, 'olivia', env.namespace);
    expect(await failureCode(control.executeUpdate<OperatorActReceipt, [string]>(KILL_SWITCH_UPDATE, { args: [statement] }))).toBe('STATEMENT_KIND_REFUSED');
    expect((await env.governance.killSwitch(env.namespace)).engaged).toBe(false);
    await control.terminate('test over');
  });
});
