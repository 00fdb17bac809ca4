import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { loadPolicySet } from '../../../../core/policy/policySet';
import { APPROVE_UPDATE, REVOKE_UPDATE } from '../../../../core/protocol/operatorContract';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../../../../core/identity/devIdentityProvider';
import {
  AuditKeySet,
  buildBundle,
  fetchRuns,
  loadIdentityEvidence,
  policySetEvidence,
  readBundle,
  verifyBundle,
  verifyLive,
  writeBundle,
  type IdentityEvidence,
  type VerifyLiveOptions,
} from '../../../../core/audit';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../../../support/governedTestEnv';
import { approvalBy, revocationBy } from '../../../support/operatorStatements';
import { findingsOf } from './operatorFixtures';
import { awaitPending } from '../../../support/awaitPending';
import { EXAMPLE_WORKFLOWS } from '../../../../examples/exampleProject';

// A transfer of 2,000.00 approved live by two treasury approvers (with a refused approval in
// between), and one revoked while it waited: verified against the server, and from an
// exported bundle, with the identity provider's keys, then with keys that never signed them.

let env: GovernedTestEnv;
let dir: string;
let identity: IdentityEvidence;
let approved: WorkflowHandle;
let revoked: WorkflowHandle;
const policySets = [policySetEvidence(loadPolicySet(resolve(__dirname, '../../../../examples/policies')))];
const BIG = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 };

async function startBig(name: string): Promise<WorkflowHandle> {
  const alice = await env.clientAs(TREASURER.principal, TREASURER.groups);
  return alice.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `audit-approvals-${name}-${Date.now()}`, args: [BIG] });
}

function options(extra: Partial<VerifyLiveOptions> = {}): VerifyLiveOptions {
  return {
    client: env.anonymousClient(),
    selection: { workflowIds: [approved.workflowId, revoked.workflowId] },
    keys: env.auditKeys(),
    policySets,
    namespace: env.namespace,
    replay: { workflowsPath: EXAMPLE_WORKFLOWS },
    identity,
    ...extra,
  };
}

beforeAll(async () => {
  env = await createGovernedTestEnv();
  dir = mkdtempSync(join(tmpdir(), 'writ-audit-approvals-live-'));
  identity = await loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: env.idp.jwksPath });

  approved = await startBig('approved');
  const pending = await awaitPending(approved);
  await approved.executeUpdate(APPROVE_UPDATE, { args: [await approvalBy(env.idp, 'bob', pending)] });
  await expect(approved.executeUpdate(APPROVE_UPDATE, { args: [await approvalBy(env.idp, 'dave', pending)] })).rejects.toThrow();
  await approved.executeUpdate(APPROVE_UPDATE, { args: [await approvalBy(env.idp, 'carol', pending)] });
  await approved.result();

  revoked = await startBig('revoked');
  const waiting = await awaitPending(revoked);
  await revoked.executeUpdate(REVOKE_UPDATE, { args: [await revocationBy(env.idp, 'olivia', { workflowId: waiting.workflowId, runId: waiting.runId })] });
  await revoked.result().catch(() => undefined);
}, 120_000);

afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('when the approved and the revoked transfer are verified live with the identity keys', () => {
  it('passes, replay included: every approval and the revocation verify and agree with the artifact', async () => {
    const verdict = await verifyLive(options());
    expect(findingsOf(verdict)).toEqual([]);
    expect(verdict.passed).toBe(true);
    expect(verdict.runs.map((r) => r.replay)).toEqual(['passed', 'passed']);
    expect(verdict.runs[0]!.steps.map((s) => [s.decision, s.approvers])).toEqual([['pending', []], ['permit', ['bob', 'carol']]]);
  });
});

describe('when they are exported and verified from the bundle alone', () => {
  it('passes with the keys the bundle carries, with the same verdict as live', async () => {
    const file = join(dir, 'evidence.json');
    const runs = await fetchRuns(env.anonymousClient(), options().selection);
    writeBundle(file, buildBundle(runs, { namespace: env.namespace, keys: options().keys, policySets, identity }));
    const offline = await verifyBundle(readBundle(file), { replay: false });
    expect(offline.passed).toBe(true);
    expect(offline).toEqual(await verifyLive(options({ replay: false })));
  });
});

describe('when the identity keys are not the ones that signed', () => {
  it('fails with APPROVAL_UNVERIFIED for each accepted approval, REVOCATION_UNVERIFIED and IDENTITY_UNVERIFIED for each run', async () => {
    const other = DevIdentityProvider.open(join(dir, 'other-idp'));
    await other.ensureKey();
    const wrong = { ...identity, jwks: { keys: other.publicJwks().keys.map((k) => ({ ...k })) } };
    const verdict = await verifyLive(options({ identity: wrong, replay: false }));
    expect(verdict.passed).toBe(false);
    expect(verdict.runs.map((r) => r.findings.map((f) => f.code))).toEqual([
      ['IDENTITY_UNVERIFIED', 'APPROVAL_UNVERIFIED', 'APPROVAL_UNVERIFIED'],
      ['IDENTITY_UNVERIFIED', 'REVOCATION_UNVERIFIED'],
    ]);
    expect(verdict.runs[0]!.findings[1]!.found).toMatch(/^IDENTITY_INVALID: token rejected: ERR_JWKS_NO_MATCHING_KEY/);
  });

  it('fails closed with OPERATOR_EVENT_UNVERIFIED when no identity keys are given', async () => {
    const { identity: _identity, ...without } = options({ replay: false });
    const verdict = await verifyLive(without);
    expect(new Set(verdict.runs.flatMap((r) => r.findings.map((f) => f.code)))).toEqual(new Set(['OPERATOR_EVENT_UNVERIFIED']));
  });
});
