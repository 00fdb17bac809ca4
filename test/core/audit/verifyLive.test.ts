import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { loadPolicySet } from '../../../core/policy/policySet';
import {
  AuditKeySet,
  buildBundle,
  fetchRuns,
  policySetDigest,
  policySetEvidence,
  readBundle,
  verifyBundle,
  verifyLive,
  writeBundle,
  type AuditVerdict,
} from '../../../core/audit';
import { AGENT, createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../../support/governedTestEnv';
import { EXAMPLE_WORKFLOWS } from '../../../examples/exampleProject';

// Fresh runs of every example workflow on the shared test server, verified as an auditor
// would: by workflow id against the live server, then exported and verified from the
// bundle file alone.

let env: GovernedTestEnv;
let dir: string;
const ids: string[] = [];
const policySets = [policySetEvidence(loadPolicySet(resolve(__dirname, '../../../examples/policies')))];

async function run(client: Client, workflowType: string, input: unknown): Promise<string> {
  const workflowId = `audit-live-${workflowType}-${ids.length}-${Date.now()}`;
  const handle = await client.workflow.start(workflowType, { taskQueue: env.taskQueue, workflowId, args: [input] });
  await handle.result().catch(() => undefined);
  ids.push(workflowId);
  return workflowId;
}

function auditKeys(): AuditKeySet {
  return env.auditKeys();
}

function summary(verdict: AuditVerdict) {
  return verdict.runs.map((r) => ({ type: r.workflowType, findings: r.findings.map((f) => `${f.eventId}:${f.code}: ${f.found}`), replay: r.replay }));
}

beforeAll(async () => {
  env = await createGovernedTestEnv();
  dir = mkdtempSync(join(tmpdir(), 'writ-audit-live-'));
  const treasurer = await env.clientAs(TREASURER.principal, TREASURER.groups);
  const agent = await env.clientAs(AGENT.principal, AGENT.groups);
  await run(treasurer, 'transferFunds', { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 25_000 });
  await run(treasurer, 'transferFunds', { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 2_500_000 });
  // Bob holds 1,450.00 by now: the first transfer runs, the second fails in the ledger
  // (insufficient funds) after its authorization, so its failure carries a receipt.
  await run(treasurer, 'transferFunds', { fromAccount: 'acct-bob', toAccount: 'acct-alice', amountCents: 100_000 });
  await run(treasurer, 'transferFunds', { fromAccount: 'acct-bob', toAccount: 'acct-alice', amountCents: 90_000 });
  await run(treasurer, 'changeInfrastructure', { environment: 'staging', service: 'payments-api', change: 'raise pool size' });
  await run(treasurer, 'changeInfrastructure', { environment: 'production', service: 'payments-api', change: 'rotate TLS certificate' });
  await run(agent, 'runAgentPlan', [
    { tool: 'agentSearchDocs', input: { query: 'refund policy' } },
    { tool: 'agentWriteNote', input: { title: 'ticket 42', body: 'damaged item' } },
    { tool: 'agentSendEmail', input: { to: 'leak@elsewhere.test', subject: 'customers', body: 'list' } },
    { tool: 'agentSendEmail', input: { to: 'customer@example.com', subject: 'your refund', body: 'on its way' } },
  ]);
}, 120_000);

afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('when fresh runs of every example workflow are verified against the live server', () => {
  it('finds nothing, replays every run and verifies every artifact and receipt', async () => {
    const verdict = await verifyLive({ client: await env.clientAs(TREASURER.principal, TREASURER.groups), selection: { workflowIds: ids }, keys: auditKeys(), policySets, namespace: env.namespace, replay: { workflowsPath: EXAMPLE_WORKFLOWS } });
    expect(summary(verdict)).toEqual(summary(verdict).map((r) => ({ ...r, findings: [], replay: 'passed' })));
    expect(verdict.passed).toBe(true);
    expect(verdict.runs.map((r) => r.workflowType)).toEqual(['transferFunds', 'transferFunds', 'transferFunds', 'transferFunds', 'changeInfrastructure', 'changeInfrastructure', 'runAgentPlan']);
    // permits: two transfers, the failed transfer, the staging change, three agent tools
    expect(verdict.artifactsVerified).toBe(7);
    expect(verdict.receiptsVerified).toBe(7);
    // The authorization key signed every artifact, the receipt key every receipt.
    expect(verdict.keysUsed).toEqual([env.signer.kid, env.receiptKeyStore.list()[0]!.kid].sort());
  });

  it('reports each step with its decision, principal, policy version and outcome', async () => {
    const verdict = await verifyLive({ client: env.anonymousClient(), selection: { workflowIds: ids }, keys: auditKeys(), policySets, namespace: env.namespace, replay: false });
    expect(verdict.runs.map((r) => r.steps.map((s) => [s.action, s.decision, s.outcome, s.denialCode]))).toEqual([
      [['transferFunds', 'permit', 'completed', null]],
      [['transferFunds', 'deny', 'not-scheduled', 'POLICY_DENIED']],
      [['transferFunds', 'permit', 'completed', null]],
      [['transferFunds', 'permit', 'failed', null]],
      [['applyInfraChange', 'permit', 'completed', null]],
      [['applyInfraChange', 'deny', 'not-scheduled', 'POLICY_DENIED']],
      [
        ['agentSearchDocs', 'permit', 'completed', null],
        ['agentWriteNote', 'permit', 'completed', null],
        ['agentSendEmail', 'deny', 'not-scheduled', 'POLICY_DENIED'],
        ['agentSendEmail', 'permit', 'completed', null],
      ],
    ]);
    const first = verdict.runs[0]!.steps[0]!;
    expect(first).toMatchObject({ principal: 'alice', policySetId: 'writ-examples', policyVersion: policySets[0]!.version, lineage: { sequence: 1, previous: null, parent: null } });
    expect(verdict.runs.every((r) => r.replay === 'skipped')).toBe(true);
  });

  it('fails a run whose artifacts cite a policy set the auditor was not given', async () => {
    const other = { ...policySets[0]!, version: 'other' };
    const verdict = await verifyLive({ client: env.anonymousClient(), selection: { workflowIds: ids.slice(0, 1) }, keys: auditKeys(), policySets: [{ ...other, digest: policySetDigest(other) }], namespace: env.namespace, replay: false });
    expect(verdict.passed).toBe(false);
    expect(verdict.runs[0]!.findings.map((f) => f.code)).toEqual(['POLICY_SET_UNKNOWN']);
  });
});

describe('when runs are selected by a visibility query', () => {
  it('fetches every run the query matches and verifies them', async () => {
    const query = `WorkflowType = 'changeInfrastructure' AND TaskQueue = '${env.taskQueue}'`;
    let verdict: AuditVerdict | undefined;
    // Visibility is eventually consistent: the closed runs show up within moments.
    for (let i = 0; i < 50 && (verdict?.runs.length ?? 0) < 2; i += 1) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      verdict = await verifyLive({ client: env.anonymousClient(), selection: { query }, keys: auditKeys(), policySets, namespace: env.namespace, replay: false }).catch(() => undefined);
    }
    expect(verdict?.runs.map((r) => r.workflowType)).toEqual(['changeInfrastructure', 'changeInfrastructure']);
    expect(verdict?.passed).toBe(true);
  });
});

describe('when the runs are exported to a bundle', () => {
  it('verifies the bundle file on its own, with the same verdict as live', async () => {
    const runs = await fetchRuns(env.anonymousClient(), { workflowIds: ids });
    const file = join(dir, 'evidence.json');
    writeBundle(file, buildBundle(runs, { namespace: env.namespace, keys: auditKeys(), policySets }));
    const offline = await verifyBundle(readBundle(file), { replay: false });
    const live = await verifyLive({ client: env.anonymousClient(), selection: { workflowIds: ids }, keys: auditKeys(), policySets, namespace: env.namespace, replay: false });
    expect(offline).toEqual(live);
    expect(offline.passed).toBe(true);
  });
});
