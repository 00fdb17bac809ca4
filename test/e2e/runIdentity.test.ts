import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { fetchRuns } from '../../core/audit/live/fetchRuns';
import { loadIdentityEvidence } from '../../core/audit/evidence/identityEvidence';
import { policySetEvidence } from '../../core/audit/evidence/policySetEvidence';
import type { AuditVerdict } from '../../core/audit/types';
import { verifyHistories } from '../../core/audit/verifyHistories';
import { governedStepsFromHistory } from '../../core/history/governedSteps';
import { DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../core/identity/devIdentityProvider';
import { loadPolicySet } from '../../core/policy/policySet';
import { HANDOFF_HEADER, IDENTITY_HEADER } from '../../core/protocol/headers';
import { failureCode } from '../support/failureCode';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { sharedBundle } from '../support/sharedBundle';
import { testTemporal } from '../support/testServer';

// A run acts for the identity its first step registered in the governance store; later
// steps carry no credential, child and continued runs are handed the identity once, and an
// authorization is refused when its run never passed the identity check or when it claims
// a link of the run's chain that is not the next.

const transfer = (amountCents: number) => ({ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents });

let env: GovernedTestEnv;
beforeAll(async () => {
  env = await createGovernedTestEnv();
}, 120_000);
afterAll(async () => env?.close());

/** A JSON payload's value. */
function decoded(payload: { data?: Uint8Array | null }): unknown {
  return JSON.parse(Buffer.from(payload.data!).toString('utf8'));
}

/** The auditor's verdict on the latest runs of `workflowIds`, with the identity provider's keys. */
async function audit(workflowIds: string[]): Promise<AuditVerdict> {
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  const runs = await fetchRuns(client, { workflowIds, related: false });
  return verifyHistories(runs, {
    keys: env.auditKeys(),
    policySets: [policySetEvidence(loadPolicySet(resolve(__dirname, '../../examples/policies')))],
    namespace: env.namespace,
    identity: await loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: env.idp.jwksPath }),
    replay: { bundle: await sharedBundle() },
  });
}

/** Every header name on the run's start event. */
async function startHeaders(workflowId: string, runId?: string): Promise<string[]> {
  const history = await env.connection.workflowService.getWorkflowExecutionHistory({ namespace: env.namespace, execution: { workflowId, ...(runId === undefined ? {} : { runId }) } });
  const started = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  return Object.keys(started?.header?.fields ?? {}).sort();
}

describe('when a governed run authorizes its steps', () => {
  it('carries the identity token only to its identity check: no later activity input holds a credential', async () => {
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    const handle = await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `no-token-${randomUUID()}`, args: [transfer(100)] });
    await handle.result();
    const history = await handle.fetchHistory();
    const [step] = governedStepsFromHistory(history);
    expect(step?.execution?.end.status).toBe('completed');
    const token = decoded(history.events![0]!.workflowExecutionStartedEventAttributes!.header!.fields![IDENTITY_HEADER]!) as string;
    const scheduled = history.events!.flatMap((event) => (event.activityTaskScheduledEventAttributes ? [event.activityTaskScheduledEventAttributes] : []));
    expect(scheduled.map((activity) => activity.activityType?.name)).toEqual(['writ.verifyIdentity', 'writ.authorize', 'transferFunds']);
    const later = scheduled.slice(1).flatMap((activity) => activity.input?.payloads ?? []).map((payload) => JSON.stringify(decoded(payload)));
    for (const input of later) expect(input).not.toContain(token.split('.')[2]);
  });
});

describe('when a hand-written workflow on a plain worker asks for a permit', () => {
  it('is refused RUN_NOT_VERIFIED, whatever lineage or token it claims, and nothing moves', async () => {
    const rogueQueue = `rogue-${randomUUID()}`;
    const connection = await NativeConnection.connect({ address: testTemporal().address });
    const rogue = await Worker.create({ connection, namespace: env.namespace, taskQueue: rogueQueue, workflowsPath: require.resolve('../fixtures/rogue/workflows') });
    const before = env.stores.ledger.listTransfers().length;
    try {
      const code = await rogue.runUntil(
        failureCode(env.anonymousClient().workflow.execute('authorizeWithoutIdentityCheck', { taskQueue: rogueQueue, workflowId: `rogue-${randomUUID()}`, args: [{ taskQueue: env.taskQueue, transfer: transfer(500) }] })),
      );
      expect(code).toBe('RUN_NOT_VERIFIED');
    } finally {
      await connection.close();
    }
    expect(env.stores.ledger.listTransfers()).toHaveLength(before);
  });
});

describe('when workflow code asks twice for the same link of its chain', () => {
  it('gets the first permit and LINEAGE_HEAD_MISMATCH for the second', async () => {
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    const handle = await client.workflow.start('authorizeOnATakenLink', { taskQueue: env.taskQueue, workflowId: `taken-link-${randomUUID()}`, args: [transfer(100)] });
    await expect(failureCode(handle.result())).resolves.toBe('LINEAGE_HEAD_MISMATCH');
    const steps = governedStepsFromHistory(await handle.fetchHistory());
    expect(steps.map((step) => step.authorization.end.status)).toEqual(['completed', 'failed']);
  });
});

describe('when a run starts two governed steps at once', () => {
  it('authorizes them one after the other on one chain and runs both', async () => {
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    const workflowId = `two-at-once-${randomUUID()}`;
    await client.workflow.execute('twoTransfersAtOnce', { taskQueue: env.taskQueue, workflowId, args: [transfer(101), transfer(102)] });
    const steps = governedStepsFromHistory(await client.workflow.getHandle(workflowId).fetchHistory());
    expect(steps.map((step) => step.authorization.request.lineage.sequence)).toEqual([1, 2]);
    expect(steps.map((step) => step.execution?.end.status)).toEqual(['completed', 'completed']);
    const verdict = await audit([workflowId]);
    expect(verdict.runs.flatMap((run) => run.findings)).toEqual([]);
    expect(verdict).toMatchObject({ passed: true, findings: 0 });
  });
});

describe('when a run starts a child workflow', () => {
  it('hands the child its identity once: the child carries a hand-off, no token, and acts as the parent\'s principal', async () => {
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    const workflowId = `delegate-${randomUUID()}`;
    await client.workflow.execute('transferThenDelegate', { taskQueue: env.taskQueue, workflowId, args: [transfer(103), transfer(104)] });
    expect(await startHeaders(`${workflowId}-child`)).toEqual([HANDOFF_HEADER, 'writ-lineage'].sort());
    const [childStep] = governedStepsFromHistory(await client.workflow.getHandle(`${workflowId}-child`).fetchHistory());
    expect(childStep?.execution?.end.status).toBe('completed');
    const child = (await client.workflow.getHandle(`${workflowId}-child`).describe()).runId;
    await expect(env.governance.registeredRun(env.namespace, child)).resolves.toMatchObject({ identity: { principal: TREASURER.principal }, origin: 'child' });
    const verdict = await audit([workflowId, `${workflowId}-child`]);
    expect(verdict.runs.flatMap((run) => run.findings)).toEqual([]);
    expect(verdict).toMatchObject({ passed: true, findings: 0 });
  });
});

describe('when a run continues as new', () => {
  it('hands the continued run its identity and chain head, and both runs transfer', async () => {
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    const workflowId = `continue-${randomUUID()}`;
    const before = env.stores.ledger.listTransfers().length;
    const handle = await client.workflow.start('transferThenContinue', { taskQueue: env.taskQueue, workflowId, args: [transfer(105), 1] });
    await handle.result();
    expect(env.stores.ledger.listTransfers()).toHaveLength(before + 2);
    const last = await handle.describe();
    const registered = await env.governance.registeredRun(env.namespace, last.runId);
    expect(registered).toMatchObject({ identity: { principal: TREASURER.principal }, origin: 'continue' });
    expect(registered!.parent).toMatch(/^sha256:/);
    expect(await startHeaders(workflowId, last.runId)).toEqual([HANDOFF_HEADER, 'writ-lineage'].sort());
  });
});
