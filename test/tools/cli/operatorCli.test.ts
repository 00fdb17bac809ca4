import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { PendingApproval } from '../../../core/protocol/operatorContract';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../../support/governedTestEnv';
import { testTemporal } from '../../support/testServer';
import { awaitPending } from '../../support/awaitPending';

const run = promisify(execFile);
const CLI = resolve(__dirname, '../../../dist/tools/cli/main.js');

let env: GovernedTestEnv;
beforeAll(async () => {
  env = await createGovernedTestEnv();
});
afterAll(async () => env?.close());

/** Runs `writ ...` as an operator against the test server, sharing the env's identity provider. */
async function writ(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { address, namespace } = testTemporal();
  const processEnv = { ...process.env, WRIT_DATA_DIR: env.dir, WRIT_TASK_QUEUE: env.taskQueue, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: processEnv });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('writ pending / approve / deny', () => {
  it('lists what awaits approval and approves it as named operators until it runs', async () => {
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    const handle = await client.workflow.start('transferFunds', {
      taskQueue: env.taskQueue,
      workflowId: `cli-approval-${Date.now()}`,
      args: [{ fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 150_000 }],
    });
    await awaitPending(handle);
    let listed: PendingApproval[] = [];
    for (let i = 0; i < 50 && !listed.some((p) => p.workflowId === handle.workflowId); i += 1) {
      const pending = await writ('pending', '--as', 'olivia', '-g', 'operators', '--json');
      expect(pending.code).toBe(0);
      listed = JSON.parse(pending.stdout) as PendingApproval[];
    }
    expect(listed.find((p) => p.workflowId === handle.workflowId)).toMatchObject({ action: 'transferFunds', required: 2, initiator: 'alice' });

    const wrongGroup = await writ('approve', handle.workflowId, '--as', 'dave', '-g', 'ops');
    expect(wrongGroup.code).not.toBe(0);
    expect(wrongGroup.stderr).toContain('writ: APPROVER_NOT_AUTHORIZED:');

    const first = await writ('approve', handle.workflowId, '--as', 'bob', '-g', 'treasury-approvers');
    expect(first.stdout).toContain('approved by bob: 1/2 approvals');
    const second = await writ('approve', handle.workflowId, '--as', 'carol', '-g', 'treasury-approvers', '--json');
    expect(JSON.parse(second.stdout)).toMatchObject({ accepted: true, approver: 'carol', approvals: 2, required: 2 });
    await handle.result();
    expect(env.stores.ledger.listTransfers()).toHaveLength(1);

    // The run has finished: there is nothing left to approve.
    const late = await writ('approve', handle.workflowId, '--as', 'bob', '-g', 'treasury-approvers');
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^writ: APPROVAL_NOT_PENDING: /m);
  });
});

describe('writ halt / resume / revoke', () => {
  it('engages and lifts the kill switch, and revokes a run', async () => {
    const halted = await writ('halt', '--as', 'olivia', '-g', 'operators', '--reason', 'incident drill');
    expect(halted.stdout).toContain('kill switch engaged by olivia');
    expect((await env.governance.killSwitch(env.namespace)).engaged).toBe(true);
    const resumed = await writ('resume', '--as', 'olivia', '-g', 'operators', '--reason', 'drill over', '--json');
    expect(JSON.parse(resumed.stdout)).toMatchObject({ by: 'olivia', reason: 'drill over' });
    expect((await env.governance.killSwitch(env.namespace)).engaged).toBe(false);

    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    const handle = await client.workflow.start('transferFunds', {
      taskQueue: env.taskQueue,
      workflowId: `cli-revoke-${Date.now()}`,
      args: [{ fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 150_000 }],
    });
    await awaitPending(handle);
    const revoked = await writ('revoke', handle.workflowId, '--as', 'olivia', '-g', 'operators', '--reason', 'not authorized by finance');
    expect(revoked.stdout).toContain(`revoked ${handle.workflowId}`);
    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'AUTHORITY_REVOKED' } });
  });
});
