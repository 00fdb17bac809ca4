import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { WritTestEnvironment } from 'writ-governance/testing';
import { createActivities } from '../src/activities';
import type { deploy } from '../src/workflows';

const ROOT = join(__dirname, '..');
const deployed: string[] = [];
let env: WritTestEnvironment;

beforeAll(async () => {
  env = await WritTestEnvironment.start({
    actions: createActivities({
      deployments: {
        async deploy({ service, version, environment }) {
          deployed.push(`${service}@${version}:${environment}`);
          return `deployed ${service} ${version} to ${environment}`;
        },
      },
    }),
    workflowsPath: require.resolve('../src/workflows'),
    policiesDir: join(ROOT, 'policies'),
  });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

test('a deployer deploys to staging: the action runs once and the history audits clean', async () => {
  const client = await env.clientAs('dana', ['deployers']);
  const workflowId = `deploy-permit-${Date.now()}`;
  const result = await client.workflow.execute<typeof deploy>('deploy', {
    taskQueue: env.taskQueue,
    workflowId,
    args: [{ service: 'api', environment: 'staging', version: '1.4.2' }],
  });
  expect(result).toBe('deployed api 1.4.2 to staging');
  expect(deployed).toEqual(['api@1.4.2:staging']);
  const verdict = await env.audit([workflowId]);
  expect(verdict.passed).toBe(true);
  // The evidence `npx writ audit verify --bundle evidence.json --workflows src/workflows.ts` checks offline.
  await env.exportEvidence([workflowId], join(ROOT, 'evidence.json'));
});

test('someone outside deployers is denied POLICY_DENIED: nothing runs', async () => {
  const client = await env.clientAs('eve', ['interns']);
  const failure = await client.workflow
    .execute<typeof deploy>('deploy', {
      taskQueue: env.taskQueue,
      workflowId: `deploy-deny-${Date.now()}`,
      args: [{ service: 'api', environment: 'staging', version: '1.4.3' }],
    })
    .catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause;
  expect(cause instanceof ApplicationFailure ? cause.type : undefined).toBe('POLICY_DENIED');
  expect(deployed).toEqual(['api@1.4.2:staging']);
});
