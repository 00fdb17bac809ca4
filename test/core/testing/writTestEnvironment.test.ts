// WritTestEnvironment.clientAs as a project's tests use it: one client starts several runs,
// each carrying the same bound token and its own start proof, and the runs audit clean.
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { decodeJwt } from 'jose';
import { WritTestEnvironment } from 'writ-governance/testing';
import { verifyStartProof } from '../../../core/identity/startProof';
import { IDENTITY_HEADER, START_PROOF_HEADER } from '../../../core/protocol/headers';
import { createActivities } from '../../../starter/src/activities';
import { authorizationRecords } from '../../support/authorizationRecords';

const REPO = join(__dirname, '../../..');
let env: WritTestEnvironment;

beforeAll(async () => {
  env = await WritTestEnvironment.start({
    actions: createActivities({ deployments: { deploy: async ({ service }) => `deployed ${service}` } }),
    workflowsPath: join(REPO, 'starter/src/workflows.ts'),
    policiesDir: join(REPO, 'policies'),
  });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('clientAs', () => {
  it('starts several runs with one bound token, each with its own verifiable start proof, and they audit clean', async () => {
    const client = await env.clientAs('dana', ['deployers']);
    const workflowIds = [`env-proof-${randomUUID()}`, `env-proof-${randomUUID()}`];
    for (const workflowId of workflowIds) {
      await expect(
        client.workflow.execute('deploy', { taskQueue: env.taskQueue, workflowId, args: [{ service: 'api', environment: 'staging', version: '1.0.0' }] }),
      ).resolves.toBe('deployed api');
    }
    const jtis = new Set<string>();
    for (const workflowId of workflowIds) {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      const fields = (history.events?.[0] as temporal.api.history.v1.IHistoryEvent).workflowExecutionStartedEventAttributes?.header?.fields ?? {};
      const token = defaultPayloadConverter.fromPayload<string>(fields[IDENTITY_HEADER]!);
      const claims = decodeJwt(token);
      const verified = await verifyStartProof(defaultPayloadConverter.fromPayload<string>(fields[START_PROOF_HEADER]!), {
        workflowId,
        workflowType: 'deploy',
        identityToken: token,
        confirmedThumbprint: (claims.cnf as { jkt: string }).jkt,
        now: new Date(),
        clockToleranceSeconds: 30,
        notAfter: new Date((claims.exp ?? 0) * 1000),
      });
      jtis.add(verified.jti);
    }
    expect(jtis.size).toBe(2);
    expect((await env.audit(workflowIds)).passed).toBe(true);
  }, 120_000);
});

describe('when the environment authorizes locally', () => {
  it('records each authorization as a local activity marker, and the run audits clean, replay included', async () => {
    const local = await WritTestEnvironment.start({
      actions: createActivities({ deployments: { deploy: async ({ service }) => `deployed ${service}` } }),
      workflowsPath: join(REPO, 'starter/src/workflows.ts'),
      policiesDir: join(REPO, 'policies'),
      authorization: 'local',
    });
    try {
      const client = await local.clientAs('dana', ['deployers']);
      const workflowId = `env-local-${randomUUID()}`;
      await expect(client.workflow.execute('deploy', { taskQueue: local.taskQueue, workflowId, args: [{ service: 'api', environment: 'staging', version: '1.0.1' }] })).resolves.toBe('deployed api');
      expect(authorizationRecords(await client.workflow.getHandle(workflowId).fetchHistory())).toEqual({ activity: 0, local: 1 });
      expect((await local.audit([workflowId])).passed).toBe(true);
    } finally {
      await local.close();
    }
  }, 120_000);
});
