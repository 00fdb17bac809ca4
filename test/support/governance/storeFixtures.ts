import type { ArtifactExecution, GovernanceStore, KillSwitchChange, Revocation, StatementUse } from '../../../core/governance/governanceStore';
import type { RunRegistration } from '../../../core/governance/runRegistry';
import type { StepOutcome } from './storeProcesses';

// What the governance store tests record and ask, shared by the contract suite and each
// backend's own tests.

/** The statementDigest `change` gives the change it makes at `at`. */
export const digestAt = (at: string): string => `sha256:${at}`;
/** A kill-switch change whose reason says what it did and when; a lift names the halt made at `liftsAt`. */
export const change = (namespace: string, engaged: boolean, at: string, liftsAt?: string): KillSwitchChange => ({
  namespace,
  engaged,
  at,
  by: 'ops@example.com',
  reason: `${engaged ? 'engage' : 'release'} ${namespace} at ${at}`,
  statementDigest: digestAt(at),
  ...(liftsAt === undefined ? {} : { lifts: digestAt(liftsAt) }),
});
/** A revocation of run-1 (of wf-1). */
export const revocation: Revocation = {
  workflowId: 'wf-1',
  runId: 'run-1',
  revokedAt: '2030-01-01T00:00:00.000Z',
  revokedBy: 'ops@example.com',
  reason: 'compromised',
  statementDigest: 'sha256:r1',
};
/** The first use of an approval statement, by step 3 of wf-a's run, issued a minute before within a five-minute window. */
export const use: StatementUse = {
  statementId: 'stmt-1',
  kind: 'approval',
  consumer: 'wf-a/run-a/3',
  statementDigest: 'sha256:s1',
  usedAt: '2030-01-01T00:00:00.000Z',
  issuedAt: '2029-12-31T23:59:00.000Z',
  freshSince: '2029-12-31T23:55:00.000Z',
};
/** An artifact authorizing three executions. */
export const execution: ArtifactExecution = { artifactId: 'art-1', maxAttempts: 3, expiresAt: '2030-01-01T00:01:00.000Z' };

/** Run run-1 of wf-1 in `payments`, verified at its start as alice, identity valid until 2031. */
export const registration: RunRegistration = {
  namespace: 'payments',
  workflowId: 'wf-1',
  runId: 'run-1',
  identity: { principal: 'alice', groups: ['treasury'], issuer: 'https://idp.example', expiresAt: Date.parse('2031-01-01T00:00:00.000Z') / 1000, tokenDigest: 'sha256:t1' },
  origin: 'start',
  parent: null,
  registeredAt: '2030-01-01T00:00:00.000Z',
};

/** The outcome of a call, as a value or the code it was refused with. */
export async function outcome(call: Promise<unknown>): Promise<StepOutcome> {
  try {
    return { value: (await call) ?? null };
  } catch (error) {
    return { code: (error as { code?: string }).code ?? `unexpected: ${String(error)}` };
  }
}

/**
 * Every method of the contract, each called once. The run asked about is revoked and the
 * namespace halted before the store fails, so a method answering a default ("not
 * revoked", "not engaged", nothing) instead of failing would be caught.
 */
export const EVERY_METHOD = {
  revoke: (store: GovernanceStore) => store.revoke({ ...revocation, runId: 'run-2' }),
  revocation: (store: GovernanceStore) => store.revocation('run-1'),
  setKillSwitch: (store: GovernanceStore) => store.setKillSwitch(change('payments', true, '2030-01-01T00:00:09.000Z')),
  killSwitch: (store: GovernanceStore) => store.killSwitch('payments'),
  requireStanding: (store: GovernanceStore) => store.requireStanding('payments', 'run-1'),
  useStatement: (store: GovernanceStore) => store.useStatement({ ...use, consumer: 'wf-b/run-b/3' }),
  countExecution: (store: GovernanceStore) => store.countExecution(execution),
  pruneExpired: (store: GovernanceStore) => store.pruneExpired(new Date('2031-01-01T00:00:00.000Z')),
  registerRun: (store: GovernanceStore) => store.registerRun(registration),
  registeredRun: (store: GovernanceStore) => store.registeredRun('payments', 'run-1'),
  advanceChain: (store: GovernanceStore) => store.advanceChain({ namespace: 'payments', runId: 'run-1', claimed: { sequence: 1, previous: null }, next: 'sha256:a1', by: 'writ-step-1.1' }),
  offerHandoff: (store: GovernanceStore) =>
    store.offerHandoff({ handoffId: 'run-1:h1', namespace: 'payments', fromRunId: 'run-1', toWorkflowId: 'child-1', kind: 'child', offeredAt: '2030-01-01T00:00:01.000Z' }),
  claimHandoff: (store: GovernanceStore) => store.claimHandoff({ handoffId: 'run-1:h1', namespace: 'payments', workflowId: 'child-1', runId: 'child-run-1', claimedAt: '2030-01-01T00:00:02.000Z' }),
} as const;
export type ContractMethod = keyof typeof EVERY_METHOD;

/** What EVERY_METHOD expects to be in place before the store fails. */
export async function recordStanding(store: GovernanceStore): Promise<void> {
  await store.revoke(revocation);
  await store.setKillSwitch(change('payments', true, '2030-01-01T00:00:01.000Z'));
  await store.useStatement(use);
  await store.countExecution(execution);
  await store.registerRun(registration);
}
