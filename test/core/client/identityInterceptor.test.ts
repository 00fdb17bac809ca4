// The identity interceptor on a real client and a real dev server: each start carries the
// token and, with a proof key, a proof made for that very start, read back from the
// history's WorkflowExecutionStarted header and verified as the worker side will.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, type Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { decodeJwt } from 'jose';
import { createWritClient } from '../../../core/client/createWritClient';
import { identityInterceptor } from '../../../core/client/identityInterceptor';
import { DevIdentityProvider, type BoundCredential } from '../../../core/identity/devIdentityProvider';
import { verifyStartProof } from '../../../core/identity/startProof';
import { IDENTITY_HEADER, START_PROOF_HEADER } from '../../../core/protocol/headers';
import { testTemporal } from '../../support/testServer';

let dir: string;
let connection: Connection;
let credential: BoundCredential;
let client: Client;
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-identity-interceptor-'));
  const idp = DevIdentityProvider.open(join(dir, 'idp'));
  credential = await idp.mintBoundCredential({ principal: 'dana', groups: ['deployers'] });
  connection = await Connection.connect({ address: testTemporal().address });
  client = createWritClient({ connection, namespace: testTemporal().namespace, ...credential });
});

afterAll(async () => {
  // No worker polls the task queue: the runs are only here for their start events.
  await Promise.allSettled(started.map((handle) => handle.terminate('test done')));
  await connection?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The start event's Writ headers, decoded. */
async function startHeaders(handle: WorkflowHandle): Promise<{ token: unknown; proof: unknown }> {
  const history = await handle.fetchHistory();
  const fields = (history.events?.[0] as temporal.api.history.v1.IHistoryEvent).workflowExecutionStartedEventAttributes?.header?.fields ?? {};
  const read = (name: string) => (fields[name] === undefined ? undefined : defaultPayloadConverter.fromPayload(fields[name]));
  return { token: read(IDENTITY_HEADER), proof: read(START_PROOF_HEADER) };
}

function expectationFor(workflowId: string, workflowType: string) {
  const claims = decodeJwt(credential.identityToken);
  return {
    workflowId,
    workflowType,
    identityToken: credential.identityToken,
    confirmedThumbprint: (claims.cnf as { jkt: string }).jkt,
    now: new Date(),
    clockToleranceSeconds: 30,
    notAfter: new Date((claims.exp ?? 0) * 1000),
  };
}

const taskQueue = () => `writ-unpolled-${randomUUID()}`;

describe('when a client with a proof key starts a workflow', () => {
  it('puts the token and a proof over that start in the start header, which verifies', async () => {
    const workflowId = `proof-${randomUUID()}`;
    const handle = await client.workflow.start('deploy', { taskQueue: taskQueue(), workflowId, args: [{}] });
    started.push(handle);
    const { token, proof } = await startHeaders(handle);
    expect(token).toBe(credential.identityToken);
    await expect(verifyStartProof(proof as string, expectationFor(workflowId, 'deploy'))).resolves.toMatchObject({ thumbprint: credential.proofKey.thumbprint });
  });

  it('gives every start its own proof: a second run is refused the first run\'s proof', async () => {
    const first = await client.workflow.start('deploy', { taskQueue: taskQueue(), workflowId: `proof-${randomUUID()}`, args: [{}] });
    const second = await client.workflow.start('deploy', { taskQueue: taskQueue(), workflowId: `proof-${randomUUID()}`, args: [{}] });
    started.push(first, second);
    const firstProof = (await startHeaders(first)).proof as string;
    const secondProof = (await startHeaders(second)).proof as string;
    const verified = await verifyStartProof(secondProof, expectationFor(second.workflowId, 'deploy'));
    expect(verified.jti).not.toBe((await verifyStartProof(firstProof, expectationFor(first.workflowId, 'deploy'))).jti);
    await expect(verifyStartProof(firstProof, expectationFor(second.workflowId, 'deploy'))).rejects.toMatchObject({ code: 'START_PROOF_BINDING_MISMATCH' });
  });

  it('proves signal-with-start too', async () => {
    const workflowId = `proof-${randomUUID()}`;
    const handle = await client.workflow.signalWithStart('deploy', { taskQueue: taskQueue(), workflowId, args: [{}], signal: 'nudge', signalArgs: [] });
    started.push(handle);
    const { proof } = await startHeaders(handle);
    await expect(verifyStartProof(proof as string, expectationFor(workflowId, 'deploy'))).resolves.toMatchObject({ thumbprint: credential.proofKey.thumbprint });
  });
});

describe('when a client has no proof key', () => {
  it('sends the token alone, as before', async () => {
    const bearer = createWritClient({ connection, namespace: testTemporal().namespace, identityToken: 'bearer-token' });
    const handle = await bearer.workflow.start('deploy', { taskQueue: taskQueue(), workflowId: `bearer-${randomUUID()}`, args: [{}] });
    started.push(handle);
    expect(await startHeaders(handle)).toEqual({ token: 'bearer-token', proof: undefined });
  });
});

describe('when a workflow is started with an update (update-with-start)', () => {
  it('adds the token and a proof to the start headers, not the update headers', async () => {
    const interceptor = identityInterceptor(() => credential.identityToken, credential.proofKey);
    let forwarded: Parameters<NonNullable<typeof interceptor.startUpdateWithStart>>[0] | undefined;
    const input = {
      workflowType: 'deploy',
      workflowStartOptions: { workflowId: 'uws-1', taskQueue: 'q' },
      workflowStartHeaders: {},
      updateName: 'approve',
      updateArgs: [],
      updateOptions: {},
      updateHeaders: {},
    } as unknown as Parameters<NonNullable<typeof interceptor.startUpdateWithStart>>[0];
    await interceptor.startUpdateWithStart!(input, async (next) => {
      forwarded = next;
      return { workflowExecution: { workflowId: 'uws-1', runId: 'r' }, updateId: 'u' };
    });
    expect(forwarded?.updateHeaders).toEqual({});
    const headers = forwarded?.workflowStartHeaders ?? {};
    expect(defaultPayloadConverter.fromPayload(headers[IDENTITY_HEADER]!)).toBe(credential.identityToken);
    const proof = defaultPayloadConverter.fromPayload<string>(headers[START_PROOF_HEADER]!);
    await expect(verifyStartProof(proof, expectationFor('uws-1', 'deploy'))).resolves.toMatchObject({ thumbprint: credential.proofKey.thumbprint });
  });
});
