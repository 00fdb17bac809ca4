import type { WorkflowHandleWithFirstExecutionRunId as WorkflowHandle } from '@temporalio/client';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compactVerify, createLocalJWKSet } from 'jose';
import { CheckpointVerifier } from '../../core/log/checkpoint/checkpointVerifier';
import { DenialClaimsSchema, DENIAL_TYP } from '../../core/log/entries/denialClaims';
import { encodeEvidenceEntry, type EvidenceEntry } from '../../core/log/entries/evidenceEntry';
import { formatTlogProof } from '../../core/log/proof/tlogProof';
import { verifyTlogProof } from '../../core/log/proof/verifyTlogProof';
import { readLogKey } from '../../core/log/storage/logKeyFile';
import { LogReader } from '../../core/log/storage/logReader';
import { actionOutcome, authorizationResult, governedStepsFromHistory } from '../../core/history/governedSteps';
import { APPROVE_UPDATE, REVOKE_UPDATE, type ApprovalAnswer, type OperatorActReceipt } from '../../core/protocol/operatorContract';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { loggedEntries } from '../activities/realGovernanceDeps';
import { failureCode } from '../support/failureCode';
import { approvalBy, revocationBy } from '../support/operatorStatements';
import { awaitPending } from '../support/awaitPending';
import { foreignSigner, forge, validContent } from '../support/forgeArtifact';
import { intentDigest } from '../../core/artifact/intentDigest';
import { loadPolicySet } from '../../core/policy/policySet';
import { AUTHORIZATION_MODES_UNDER_TEST } from '../support/authorizationRecords';

// The governed step writes its evidence ahead: the artifact is in the log before the
// action can run, the receipt before the result is returned, denials and operator
// statements as they are made. Checked against the log directory as an auditor would:
// each entry proven included in the latest signed checkpoint.
let env: GovernedTestEnv;
// Every case runs with writ.authorize as an activity and as a local activity.
describe.each(AUTHORIZATION_MODES_UNDER_TEST)('with authorization as %s', (mode) => {
  beforeAll(async () => {
    env = await createGovernedTestEnv({ authorization: mode });
  });
  afterAll(async () => env?.close());

  let counter = 0;
  async function start(workflowType: string, input: object): Promise<WorkflowHandle> {
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    counter += 1;
    return client.workflow.start(workflowType, { taskQueue: env.taskQueue, workflowId: `evidence-log-${Date.now()}-${counter}`, args: [input] });
  }

  /** Proves `entry` is at `index` of the log, against its latest checkpoint, with a tlog-proof checked offline. */
  async function proveIncluded(index: number, entry: EvidenceEntry): Promise<void> {
    const key = readLogKey(join(dirname(env.logDir), 'log.key'));
    const checkpoints = CheckpointVerifier.fromVerifierKeys({ origin: key.name, logKeys: [key.verifierKey] });
    const reader = LogReader.forDirectory(env.logDir, checkpoints);
    const { proof, entry: logged } = await reader.prove(index, await reader.latest());
    expect(logged.equals(encodeEvidenceEntry(entry))).toBe(true);
    expect(verifyTlogProof(formatTlogProof(proof), logged, checkpoints).index).toBe(index);
  }

  describe('when a governed transfer runs', () => {
    it('the log holds its artifact, at the index its permit names, and its receipt, each proven in the latest checkpoint', async () => {
      const handle = await start('transferFunds', { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 4_321 });
      await handle.result();
      const [step] = governedStepsFromHistory(await handle.fetchHistory());
      const permit = authorizationResult(step!)!;
      const receipt = actionOutcome(step!)!.writReceipt;
      const runId = handle.firstExecutionRunId;
      const entries = await loggedEntries(env.logDir);

      const artifactEntry: EvidenceEntry = { v: 1, kind: 'artifact', runId, stepId: step!.stepId, evidence: permit.artifact };
      expect(entries[permit.logIndex!]).toEqual(artifactEntry);
      await proveIncluded(permit.logIndex!, artifactEntry);

      const receiptEntry: EvidenceEntry = { v: 1, kind: 'receipt', runId, stepId: step!.stepId, evidence: receipt };
      const receiptIndex = entries.findIndex((entry) => entry.evidence === receipt);
      expect(receiptIndex).toBeGreaterThan(permit.logIndex!);
      expect(entries[receiptIndex]).toEqual(receiptEntry);
      await proveIncluded(receiptIndex, receiptEntry);
    });
  });

  describe('when policy denies a transfer', () => {
    it('the log holds a signed denial record that verifies with the authorization key and names the code', async () => {
      const handle = await start('transferFunds', { fromAccount: 'acct-alice', toAccount: 'acct-mallory', amountCents: 100 });
      expect(await failureCode(handle.result())).toBe('POLICY_DENIED');
      const entries = await loggedEntries(env.logDir);
      const index = entries.findIndex((entry) => entry.kind === 'denial' && entry.runId === handle.firstExecutionRunId);
      expect(index).toBeGreaterThanOrEqual(0);
      await proveIncluded(index, entries[index]!);
      const { payload, protectedHeader } = await compactVerify(entries[index]!.evidence, createLocalJWKSet(env.keyStore.exportPublicJwks()));
      expect(protectedHeader.typ).toBe(DENIAL_TYP);
      const claims = DenialClaimsSchema.parse(JSON.parse(Buffer.from(payload).toString('utf8')));
      expect(claims.writ).toMatchObject({ stage: 'authorize', code: 'POLICY_DENIED', principal: { id: 'alice' }, runtime: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId } });
      expect(claims.writ.policy?.determiningPolicies).toEqual(['transfers-forbid-frozen']);
    });
  });

  describe('when the enforcement point refuses an artifact', () => {
    it('the log holds a signed denial record at stage enforce, with the code, verified with the receipt key, and nothing ran', async () => {
      const transfer = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 555 };
      const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
      const handle = await client.workflow.start('scheduleWithArtifact', {
        taskQueue: env.taskQueue,
        workflowId: `evidence-log-enforce-${Date.now()}`,
        args: [{ action: 'transferFunds', args: [transfer], activityId: 'writ-step-1.1' }],
      });
      const transfers = env.stores.ledger.listTransfers().length;
      const target = { namespace: env.namespace, taskQueue: env.taskQueue, workflowId: handle.workflowId, runId: handle.firstExecutionRunId, activityId: 'writ-step-1.1', action: 'transferFunds', args: [transfer], policyDigest: loadPolicySet(resolve(__dirname, '../../examples/policies')).digest };
      await handle.signal('presentArtifact', await forge(validContent(target), foreignSigner('attacker-key')));
      expect(await failureCode(handle.result())).toBe('ARTIFACT_KEY_UNKNOWN');
      expect(env.stores.ledger.listTransfers()).toHaveLength(transfers);

      const entries = await loggedEntries(env.logDir);
      const index = entries.findIndex((entry) => entry.kind === 'denial' && entry.runId === handle.firstExecutionRunId);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(entries[index]!.stepId).toBe('writ-step-1');
      await proveIncluded(index, entries[index]!);
      const { payload, protectedHeader } = await compactVerify(entries[index]!.evidence, createLocalJWKSet(env.receiptKeyStore.exportPublicJwks()));
      expect(protectedHeader.typ).toBe(DENIAL_TYP);
      const claims = DenialClaimsSchema.parse(JSON.parse(Buffer.from(payload).toString('utf8')));
      expect(claims.writ).toMatchObject({
        stage: 'enforce',
        code: 'ARTIFACT_KEY_UNKNOWN',
        principal: null,
        policy: null,
        runtime: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, activityId: 'writ-step-1.1', stepId: 'writ-step-1' },
        intent: { action: 'transferFunds', argsDigest: intentDigest('transferFunds', [transfer]) },
      });
    });
  });

  describe('when operators act', () => {
    it('the log holds each approval statement, and a revocation, as they take effect', async () => {
      const handle = await start('transferFunds', { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 });
      const pending = await awaitPending(handle);
      const statements = [await approvalBy(env.idp, 'bob', pending), await approvalBy(env.idp, 'carol', pending)];
      for (const statement of statements) await handle.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [statement] });
      await handle.result();
      const runId = handle.firstExecutionRunId;
      const approvals = (await loggedEntries(env.logDir)).filter((entry) => entry.kind === 'approval' && entry.runId === runId);
      expect(approvals.map((entry) => entry.evidence)).toEqual(statements);
      expect(approvals.every((entry) => entry.stepId === pending.stepId)).toBe(true);

      const revoked = await start('transferFunds', { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 });
      await awaitPending(revoked);
      const revocation = await revocationBy(env.idp, 'olivia', { workflowId: revoked.workflowId, runId: revoked.firstExecutionRunId });
      await revoked.executeUpdate<OperatorActReceipt, [string]>(REVOKE_UPDATE, { args: [revocation] });
      expect(await failureCode(revoked.result())).toBe('AUTHORITY_REVOKED');
      expect(await loggedEntries(env.logDir)).toContainEqual({ v: 1, kind: 'revocation', runId: revoked.firstExecutionRunId, stepId: null, evidence: revocation });
    });
  });

  describe('when the log cannot take the artifact', () => {
    it('the step is denied EVIDENCE_LOG_UNAVAILABLE and the ledger does not move', async () => {
      const broken = await createGovernedTestEnv({ authorization: mode });
      try {
        // The log directory replaced by a file: nothing can be written there.
        rmSync(broken.logDir, { recursive: true, force: true });
        writeFileSync(broken.logDir, 'not a log');
        const transfers = broken.stores.ledger.listTransfers().length;
        const bob = broken.stores.ledger.getAccount('acct-bob')!.balanceCents;
        const client = await broken.clientAs(TREASURER.principal, TREASURER.groups);
        const handle = await client.workflow.start('transferFunds', { taskQueue: broken.taskQueue, workflowId: `evidence-log-broken-${Date.now()}`, args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 }] });
        expect(await failureCode(handle.result())).toBe('EVIDENCE_LOG_UNAVAILABLE');
        expect(broken.stores.ledger.listTransfers()).toHaveLength(transfers);
        expect(broken.stores.ledger.getAccount('acct-bob')!.balanceCents).toBe(bob);
        // No action was scheduled: the permit never left writ.authorize.
        const steps = governedStepsFromHistory(await handle.fetchHistory());
        expect(steps.every((step) => step.execution === undefined)).toBe(true);
      } finally {
        await broken.close();
      }
    });
  });
});
