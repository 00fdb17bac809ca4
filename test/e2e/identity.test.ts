import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createWritClient } from '../../core/client/createWritClient';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { governedStepsFromHistory } from '../../core/history/governedSteps';
import { createGovernedTestEnv, type GovernedTestEnv } from '../support/governedTestEnv';

let env: GovernedTestEnv;
beforeAll(async () => {
  env = await createGovernedTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const transfer = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 500 };

async function expectDeniedAtStart(client: Client, code: string): Promise<void> {
  const handle = await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `identity-${code}-${Date.now()}`, args: [transfer] });
  const error = await handle.result().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause.type).toBe(code);
  // Nothing was authorized, nothing ran.
  expect(governedStepsFromHistory(await handle.fetchHistory())).toHaveLength(0);
  expect(env.stores.ledger.listTransfers()).toHaveLength(0);
}

describe('when a workflow is started', () => {
  it('without an identity token, it is denied (IDENTITY_MISSING)', async () => {
    await expectDeniedAtStart(env.anonymousClient(), 'IDENTITY_MISSING');
  });

  it('with an expired token, it is denied (IDENTITY_EXPIRED)', async () => {
    const past = new Date(Date.now() - 2 * 3600_000);
    const idpInThePast = DevIdentityProvider.open(join(env.dir, 'idp'), { clock: () => past });
    const token = await idpInThePast.mintToken({ principal: 'alice', groups: ['treasury'], ttlSeconds: 600 });
    await expectDeniedAtStart(createWritClient({ connection: env.connection, namespace: env.namespace, identityToken: token }), 'IDENTITY_EXPIRED');
  });

  it('with a token from a foreign issuer, it is denied (IDENTITY_UNTRUSTED_ISSUER)', async () => {
    const foreign = DevIdentityProvider.open(mkdtempSync(join(tmpdir(), 'writ-foreign-idp-')), { issuer: 'https://idp.elsewhere.test' });
    await foreign.ensureKey();
    const token = await foreign.mintToken({ principal: 'alice', groups: ['treasury'] });
    await expectDeniedAtStart(createWritClient({ connection: env.connection, namespace: env.namespace, identityToken: token }), 'IDENTITY_UNTRUSTED_ISSUER');
  });

  it('with a self-made token under the trusted issuer name, it is denied (IDENTITY_INVALID)', async () => {
    const impostor = DevIdentityProvider.open(mkdtempSync(join(tmpdir(), 'writ-impostor-idp-')));
    await impostor.ensureKey();
    const token = await impostor.mintToken({ principal: 'alice', groups: ['treasury'] });
    await expectDeniedAtStart(createWritClient({ connection: env.connection, namespace: env.namespace, identityToken: token }), 'IDENTITY_INVALID');
  });

  it('with a valid token, the principal is the verified subject', async () => {
    const client = await env.clientAs('alice', ['treasury']);
    const handle = await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId: `identity-ok-${Date.now()}`, args: [transfer] });
    await handle.result();
    const [step] = governedStepsFromHistory(await handle.fetchHistory());
    expect(step!.authorization.end).toMatchObject({ status: 'completed', result: { principal: 'alice' } });
  });
});
