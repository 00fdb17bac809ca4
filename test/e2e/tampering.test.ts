import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import { loadPolicySet } from '../../core/policy/policySet';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { foreignSigner, forge, signRaw, validContent, type ForgeTarget } from '../support/forgeArtifact';

let env: GovernedTestEnv;
const policyDigest = loadPolicySet(resolve(__dirname, '../../examples/policies')).digest;
beforeAll(async () => {
  env = await createGovernedTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const transfer = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 777 };
let counter = 0;

/** Starts the reach-around workflow and returns the target the artifact must match. */
async function startReachAround(activityId = 'writ-step-1.1'): Promise<{ handle: WorkflowHandle; target: ForgeTarget }> {
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  counter += 1;
  const handle = await client.workflow.start('scheduleWithArtifact', {
    taskQueue: env.taskQueue,
    workflowId: `tamper-${Date.now()}-${counter}`,
    args: [{ action: 'transferFunds', args: [transfer], activityId }],
  });
  const target: ForgeTarget = {
    namespace: env.namespace,
    taskQueue: env.taskQueue,
    workflowId: handle.workflowId,
    runId: handle.firstExecutionRunId,
    activityId,
    action: 'transferFunds',
    args: [transfer],
    policyDigest,
  };
  return { handle, target };
}

/** Presents `artifact`, expects the action to be refused with `code`, and nothing to happen. */
async function expectRefused(handle: WorkflowHandle, artifact: string | null, code: string): Promise<void> {
  const balance = env.stores.ledger.getAccount('acct-bob')!.balanceCents;
  await handle.signal('presentArtifact', artifact);
  const error = await handle.result().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const activityFailure = (error as WorkflowFailedError).cause as ActivityFailure;
  expect(activityFailure).toBeInstanceOf(ActivityFailure);
  const cause = activityFailure.cause as ApplicationFailure;
  expect(cause.type).toBe(code);
  expect(cause.nonRetryable).toBe(true);
  expect(env.stores.ledger.listTransfers()).toHaveLength(0);
  expect(env.stores.ledger.getAccount('acct-bob')!.balanceCents).toBe(balance);
}

describe('when an action is scheduled around the governed helper', () => {
  it('is refused without an artifact (ARTIFACT_MISSING)', async () => {
    const { handle } = await startReachAround();
    await expectRefused(handle, null, 'ARTIFACT_MISSING');
  });

  it('is refused with a forged signature (ARTIFACT_SIGNATURE_INVALID)', async () => {
    const { handle, target } = await startReachAround();
    const genuine = await forge(validContent(target), env.signer);
    const [header, payload, signature] = genuine.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    claims.writ.intent.argsDigest = claims.writ.intent.argsDigest.replace(/.$/, (c: string) => (c === '0' ? '1' : '0'));
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expectRefused(handle, forged, 'ARTIFACT_SIGNATURE_INVALID');
  });

  it('is refused with an expired artifact (ARTIFACT_EXPIRED)', async () => {
    const { handle, target } = await startReachAround();
    await expectRefused(handle, await forge(validContent(target), env.signer, new Date(Date.now() - 120_000), 60), 'ARTIFACT_EXPIRED');
  });

  it('is refused with an artifact for another run (ARTIFACT_RUN_MISMATCH)', async () => {
    const { handle, target } = await startReachAround();
    await expectRefused(handle, await forge(validContent({ ...target, runId: 'another-run' }), env.signer), 'ARTIFACT_RUN_MISMATCH');
  });

  it('is refused with an artifact for other arguments (ARTIFACT_ARGS_MISMATCH)', async () => {
    const { handle, target } = await startReachAround();
    const artifact = await forge(validContent({ ...target, args: [{ ...transfer, amountCents: 1 }] }), env.signer);
    await expectRefused(handle, artifact, 'ARTIFACT_ARGS_MISMATCH');
  });

  it('is refused with an artifact for another action (ARTIFACT_ACTION_MISMATCH)', async () => {
    const { handle, target } = await startReachAround();
    await expectRefused(handle, await forge(validContent({ ...target, action: 'agentIssueRefund' }), env.signer), 'ARTIFACT_ACTION_MISMATCH');
  });

  it('is refused with an artifact for another activity (ARTIFACT_ACTIVITY_MISMATCH)', async () => {
    const { handle, target } = await startReachAround();
    await expectRefused(handle, await forge(validContent({ ...target, activityId: 'writ-step-9.1' }), env.signer), 'ARTIFACT_ACTIVITY_MISMATCH');
  });

  it('is refused when unsigned (alg none: ARTIFACT_ALG_NOT_ALLOWED)', async () => {
    const { handle, target } = await startReachAround();
    const genuine = await forge(validContent(target), env.signer);
    const payload = genuine.split('.')[1];
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'writ-authz+jwt', kid: env.signer.kid })).toString('base64url');
    await expectRefused(handle, `${header}.${payload}.`, 'ARTIFACT_ALG_NOT_ALLOWED');
  });

  it('is refused when signed by a key outside the trusted set (ARTIFACT_KEY_UNKNOWN)', async () => {
    const { handle, target } = await startReachAround();
    await expectRefused(handle, await forge(validContent(target), foreignSigner('attacker-key')), 'ARTIFACT_KEY_UNKNOWN');
  });

  it('is refused when a foreign key claims a trusted kid (ARTIFACT_SIGNATURE_INVALID)', async () => {
    const { handle, target } = await startReachAround();
    await expectRefused(handle, await forge(validContent(target), foreignSigner(env.signer.kid)), 'ARTIFACT_SIGNATURE_INVALID');
  });

  it('is refused when the header embeds its own key (ARTIFACT_MALFORMED)', async () => {
    const { handle, target } = await startReachAround();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' });
    const genuine = await forge(validContent(target), env.signer);
    const claims = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString());
    const artifact = await signRaw({ alg: 'EdDSA', typ: 'writ-authz+jwt', kid: env.signer.kid, jwk }, claims, privateKey);
    await expectRefused(handle, artifact, 'ARTIFACT_MALFORMED');
  });
});

describe('when a genuine artifact is presented for what it authorizes', () => {
  it('runs the action (the reach-around workflow is not refused by itself)', async () => {
    const { handle, target } = await startReachAround();
    await handle.signal('presentArtifact', await forge(validContent(target), env.signer));
    const outcome = (await handle.result()) as { result: { replayed: boolean } };
    expect(outcome.result.replayed).toBe(false);
    expect(env.stores.ledger.listTransfers()).toHaveLength(1);
  });
});
