import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { APPROVE_UPDATE, PENDING_QUERY } from '../../core/protocol/operatorContract';
import { awaitPending } from '../support/awaitPending';
import { createFaultFixture, findingsOf, type FaultFixture, type FaultWorkerProcess } from '../support/faultFixture';
import { TREASURER } from '../support/governedTestEnv';
import { failureCode } from '../support/failureCode';
import { approvalBy } from '../support/operatorStatements';
import { testTemporal } from '../support/testServer';
import { agentCredential, connectedAgent } from '../support/writMcpStdio';

// An agent cancels tool calls in flight (`notifications/cancelled`, which the official MCP
// client sends when a request's AbortSignal aborts), through the built `writ mcp` on stdio.
// The worker is a fault worker in its own process that holds every action body at a latch
// until the test releases it, so a call can be cancelled while its action runs.

let fixture: FaultFixture;
let worker: FaultWorkerProcess;
let idp: DevIdentityProvider;
let dir: string;
beforeAll(async () => {
  const { address, namespace } = testTemporal();
  fixture = await createFaultFixture(address, namespace);
  worker = await fixture.startWorker({ hold: ['action-body'] });
  idp = DevIdentityProvider.open(join(fixture.dataDir, 'idp'));
  dir = mkdtempSync(join(tmpdir(), 'writ-mcp-cancel-'));
}, 120_000);
afterAll(async () => {
  await worker?.kill('SIGKILL');
  await fixture?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A treasurer agent connected to `writ mcp` for the fault worker, hearing the gateway's log notifications. */
async function treasurerAgent(name: string): Promise<{ client: Client; session: () => string; logs: LoggingMessageNotification['params'][] }> {
  const target = { dir: fixture.dataDir, taskQueue: fixture.taskQueue };
  const agent = await connectedAgent(target, dir, { credential: await agentCredential({ idp }, dir, name, TREASURER), policiesDir: fixture.policiesDir });
  const logs: LoggingMessageNotification['params'][] = [];
  agent.client.setNotificationHandler(LoggingMessageNotificationSchema, (note) => {
    logs.push(note.params);
  });
  return { ...agent, logs };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((done) => setTimeout(done, 50));
  if (!check()) throw new Error(`never: ${what}`);
}

/** The activity types a run scheduled. */
async function scheduledActivities(workflowId: string): Promise<string[]> {
  const history = await fixture.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => (event.activityTaskScheduledEventAttributes?.activityType?.name ? [event.activityTaskScheduledEventAttributes.activityType.name] : []));
}

describe('when the agent cancels a call that waits for approval', () => {
  it('withdraws it: the approvals no longer have a request, the step never runs, and the agent hears CALL_CANCELLED', async () => {
    const memo = 'cancel-while-waiting';
    const { client, session, logs } = await treasurerAgent('waiting');
    const abort = new AbortController();
    // 2,000.00 needs two treasury approvals.
    const call = client.callTool({ name: 'transferFunds', arguments: { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000, memo } }, undefined, { signal: abort.signal });
    const handle = fixture.client.workflow.getHandle(session());
    for (let i = 0; i < 100 && !(await handle.describe().then(() => true, () => false)); i += 1) await new Promise((done) => setTimeout(done, 50));
    const pending = await awaitPending(handle);
    abort.abort('the agent moved on');
    await expect(call).rejects.toBeDefined();

    await until(() => logs.length > 0, 'the gateway reports the cancelled call');
    expect(logs[0]).toMatchObject({ level: 'notice', logger: 'writ', data: { tool: 'transferFunds', outcome: 'refused', code: 'CALL_CANCELLED' } });
    await expect(handle.query(PENDING_QUERY)).resolves.toBeNull();
    // Approvers who come late approve nothing: the request is gone.
    await expect(failureCode(handle.executeUpdate(APPROVE_UPDATE, { args: [await approvalBy(idp, 'bob', pending)] }))).resolves.toBe('APPROVAL_NOT_PENDING');
    expect(fixture.transfersWithMemo(memo)).toBe(0);

    await client.close();
    await expect(handle.result()).resolves.toEqual({ calls: 1 });
    expect(await scheduledActivities(session())).not.toContain('transferFunds');
    expect(fixture.latch.reached('action-body')).toBe(false);
    const verdict = await fixture.audit([session()]);
    expect(findingsOf(verdict)).toEqual([]);
    expect(verdict.passed).toBe(true);
  }, 90_000);
});

describe('when the agent cancels a call whose action already runs', () => {
  it('lets the action finish, and reports how it ended', async () => {
    const memo = 'cancel-while-running';
    const { client, session, logs } = await treasurerAgent('running');
    const abort = new AbortController();
    const call = client.callTool({ name: 'transferFunds', arguments: { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 250, memo } }, undefined, { signal: abort.signal });
    await fixture.latch.waitFor('action-body');
    abort.abort('the agent moved on');
    await expect(call).rejects.toBeDefined();
    fixture.latch.release('action-body');

    await until(() => logs.length > 0, 'the gateway reports the cancelled call');
    expect(logs[0]).toMatchObject({ level: 'notice', logger: 'writ', data: { tool: 'transferFunds', outcome: 'result', result: { transferId: expect.any(String) } } });
    expect(fixture.transfersWithMemo(memo)).toBe(1);

    await client.close();
    await expect(fixture.client.workflow.getHandle(session()).result()).resolves.toEqual({ calls: 1 });
    const verdict = await fixture.audit([session()]);
    expect(findingsOf(verdict)).toEqual([]);
    expect(verdict.passed).toBe(true);
  }, 90_000);
});

describe('when the agent disconnects while a call waits for approval', () => {
  it('withdraws the call, and the session run ends now rather than when the wait would have', async () => {
    const memo = 'disconnect-while-waiting';
    // The gateway's default wait is 300 s: a call left waiting would hold the run that long.
    const { client, session } = await treasurerAgent('disconnecting');
    const call = client.callTool({ name: 'transferFunds', arguments: { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000, memo } });
    const handle = fixture.client.workflow.getHandle(session());
    for (let i = 0; i < 100 && !(await handle.describe().then(() => true, () => false)); i += 1) await new Promise((done) => setTimeout(done, 50));
    await awaitPending(handle);
    await client.close();
    await expect(call).rejects.toBeDefined();
    await expect(handle.result()).resolves.toEqual({ calls: 1 });
    expect(await scheduledActivities(session())).not.toContain('transferFunds');
    expect(fixture.transfersWithMemo(memo)).toBe(0);
  }, 30_000);
});
