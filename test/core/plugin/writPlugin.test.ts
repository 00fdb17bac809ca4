// WritPlugin on a real worker and a real dev server: the workflowsPath route bundles with
// Writ's interceptors and governs a step end to end; a bundle made without the plugin, an
// undeclared activity and a client-only plugin are refused when the worker is created;
// every setting is validated when the plugin is constructed.
import { mkdtempSync } from 'node:fs';
import { openDevEvidenceLog } from '../../../core/log/evidence/openEvidenceLog';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { WritPlugin, defineAction, type WritGovernance } from 'writ-governance';
import { z } from 'zod';
import { KeyStore } from '../../../core/keys/keyStore';
import { TrustedKeySet } from '../../../core/keys/trustedKeySet';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../../../core/identity/devIdentityProvider';
import { IdentityVerifier } from '../../../core/identity/identityVerifier';
import { generateProofKey } from '../../../core/identity/proofKey';
import { PolicySource } from '../../../core/policy/policySource';
import { SqliteGovernanceStore } from '../../../core/governance/sqliteGovernanceStore';
import { installRuntimeLogging } from '../../../worker/runtimeLogging';
import { WORKFLOW_INTERCEPTORS_MARK } from '../../../worker/workflowSide';
import { WRIT_WORKFLOW_INTERCEPTORS } from '../../../workflows/interceptors';
import { quietBundlerLogger } from '../../../worker/quietBundlerLogger';
import { testTemporal } from '../../support/testServer';
import { isWritError, type WritError } from '../../../core/errors/writError';
import { codeOf } from '../../support/codeOf';

const STARTER_POLICIES = join(__dirname, '../../../policies');
const STARTER_WORKFLOWS = join(__dirname, '../../../starter/src/workflows.ts');
const deployed: string[] = [];
const actions = {
  deployService: defineAction({
    input: z.strictObject({ service: z.string(), environment: z.enum(['staging', 'production']), version: z.string() }),
    resource: (input) => ({ resource: { uid: { type: 'Writ::Service', id: input.service }, attrs: { environment: input.environment }, parents: [] }, context: { version: input.version } }),
    execute: async (input) => {
      deployed.push(`${input.service}@${input.version}`);
      return `deployed ${input.service}`;
    },
  }),
};

let governance: WritGovernance;
let idp: DevIdentityProvider;
let nativeConnection: NativeConnection;
let connection: Connection;
let store: SqliteGovernanceStore;

beforeAll(async () => {
  installRuntimeLogging('ERROR');
  const dir = mkdtempSync(join(tmpdir(), 'writ-plugin-'));
  const keyStore = KeyStore.open(join(dir, 'keys'));
  await keyStore.ensureActive();
  idp = DevIdentityProvider.open(join(dir, 'idp'));
  await idp.ensureKey();
  const signer = await keyStore.loadSigner();
  const receiptKeyStore = KeyStore.open(join(dir, 'receipt-keys'), { purpose: 'receipt' });
  await receiptKeyStore.ensureActive();
  const receiptSigner = await receiptKeyStore.loadSigner();
  store = SqliteGovernanceStore.open(join(dir, 'governance.sqlite'));
  governance = {
    signer: async () => signer,
    receiptSigner: async () => receiptSigner,
    trustedKeys: TrustedKeySet.fromJwks(keyStore.exportPublicJwks()),
    identity: await IdentityVerifier.create({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: idp.jwksPath }),
    policies: PolicySource.load(STARTER_POLICIES),
    store,
    evidenceLog: await openDevEvidenceLog(dir),
  };
  nativeConnection = await NativeConnection.connect({ address: testTemporal().address });
  connection = await Connection.connect({ address: testTemporal().address });
});

afterAll(async () => {
  await nativeConnection?.close();
  await connection?.close();
  store?.close();
  await governance?.evidenceLog.close();
});


async function refusal(promise: Promise<unknown>): Promise<WritError | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (isWritError(error) ? error : undefined),
  );
}

describe('when the plugin is given to a worker with a workflowsPath', () => {
  it('bundles the workflows with Writ, and a permitted step runs once under a verified artifact', async () => {
    const taskQueue = `writ-plugin-${randomUUID()}`;
    const writ = new WritPlugin({ actions, governance });
    const worker = await Worker.create({ connection: nativeConnection, namespace: testTemporal().namespace, taskQueue, workflowsPath: STARTER_WORKFLOWS, plugins: [writ] });
    const client = new Client({ connection, namespace: testTemporal().namespace, plugins: [new WritPlugin(await idp.mintBoundCredential({ principal: 'dana', groups: ['deployers'] }))] });
    const result = await worker.runUntil(
      client.workflow.execute('deploy', { taskQueue, workflowId: `plugin-${randomUUID()}`, args: [{ service: 'api', environment: 'staging', version: '2.0.0' }] }),
    );
    expect(result).toBe('deployed api');
    expect(deployed).toEqual(['api@2.0.0']);
  }, 60_000);
});

describe('when a worker would run ungoverned code', () => {
  it('refuses a prebuilt bundle made without the plugin (CONFIG_INVALID)', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: STARTER_WORKFLOWS, logger: quietBundlerLogger });
    const created = Worker.create({ connection: nativeConnection, namespace: testTemporal().namespace, taskQueue: `writ-plugin-${randomUUID()}`, workflowBundle: { code }, plugins: [new WritPlugin({ actions, governance })] });
    expect((await refusal(created))?.code).toBe('CONFIG_INVALID');
  }, 60_000);

  it('refuses an activity that is neither governed nor declared exempt (CONFIG_INVALID)', async () => {
    const created = Worker.create({ connection: nativeConnection, namespace: testTemporal().namespace, taskQueue: `writ-plugin-${randomUUID()}`, activities: { sendNewsletter: async () => 'sent' }, plugins: [new WritPlugin({ actions, governance })] });
    const error = await refusal(created);
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.message).toMatch(/sendNewsletter/);
  });

  it('refuses to configure a worker from a plugin made for clients (CONFIG_INVALID)', async () => {
    const created = Worker.create({ connection: nativeConnection, namespace: testTemporal().namespace, taskQueue: `writ-plugin-${randomUUID()}`, activities: {}, plugins: [new WritPlugin({ identityToken: 'token' })] });
    expect((await refusal(created))?.code).toBe('CONFIG_INVALID');
  });
});

describe('when the plugin is constructed', () => {
  it('accepts a client-only and a worker configuration', () => {
    expect(codeOf(() => new WritPlugin())).toBeUndefined();
    expect(codeOf(() => new WritPlugin({ identityToken: () => 'token' }))).toBeUndefined();
    expect(codeOf(() => new WritPlugin({ actions, governance, exemptActivities: ['sendNewsletter'], artifacts: { ttlSeconds: 30 } }))).toBeUndefined();
  });

  it('lists every problem at once, with its path', () => {
    let error: WritError | undefined;
    try {
      new WritPlugin({ identityToken: '', actions, artifacts: { ttlSeconds: 0 }, workerBuildId: '' } as never);
    } catch (caught) {
      error = caught as WritError;
    }
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.issues.map((issue) => issue.path).sort()).toEqual(['artifacts.ttlSeconds', 'governance', 'identityToken', 'workerBuildId']);
  });

  it('refuses governance that is not trust material, an exempt name that is governed, and a window longer than its cap', () => {
    expect(codeOf(() => new WritPlugin({ actions, governance: { ...governance, trustedKeys: {} as never } }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => new WritPlugin({ actions, governance, exemptActivities: ['deployService'] }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => new WritPlugin({ actions, governance, exemptActivities: ['writ.authorize'] }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => new WritPlugin({ actions, governance, artifacts: { ttlSeconds: 600, maxLifetimeSeconds: 300 } }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => new WritPlugin({ actions: { 'bad name': actions.deployService }, governance }))).toBe('CONFIG_INVALID');
  });

  it('accepts a proof key beside the token it is bound to, and refuses one alone or one that is not a proof key, with its path (CONFIG_INVALID)', async () => {
    const { identityToken, proofKey } = await idp.mintBoundCredential({ principal: 'dana' });
    const other = await generateProofKey();
    const pathsOf = (options: object): string[] => {
      try {
        new WritPlugin(options as never);
      } catch (error) {
        return isWritError(error) && error.code === 'CONFIG_INVALID' ? error.issues.map((issue) => issue.path).sort() : ['not CONFIG_INVALID'];
      }
      return [];
    };
    expect(pathsOf({ identityToken, proofKey })).toEqual([]);
    expect(pathsOf({ proofKey })).toEqual(['proofKey']);
    expect(pathsOf({ identityToken, proofKey: { ...proofKey, thumbprint: other.thumbprint } })).toEqual(['proofKey.thumbprint']);
    expect(pathsOf({ identityToken, proofKey: { ...proofKey, publicJwk: other.publicJwk, thumbprint: other.thumbprint } })).toEqual(['proofKey.publicJwk']);
    expect(pathsOf({ identityToken, proofKey: 'key' })).toEqual(['proofKey']);
  });

  it('takes the operator statements accepted and the passkey trust, and refuses malformed ones with their paths (CONFIG_INVALID)', () => {
    const pathsOf = (operators: unknown): string[] => {
      try {
        new WritPlugin({ actions, governance, operators } as never);
      } catch (error) {
        return isWritError(error) && error.code === 'CONFIG_INVALID' ? error.issues.map((issue) => issue.path).sort() : ['not CONFIG_INVALID'];
      }
      return [];
    };
    expect(pathsOf({ statements: ['passkey'], passkeyTrust: { rpId: 'console.example.com', origins: ['https://console.example.com'] } })).toEqual([]);
    expect(pathsOf({ statements: [] })).toEqual(['operators.statements']);
    expect(pathsOf({ statements: ['jwt'] })).toEqual(['operators.statements.0']);
    expect(pathsOf({ passkeyTrust: { rpId: '10.0.0.1:443', origins: [] } })).toEqual(['operators.passkeyTrust.origins', 'operators.passkeyTrust.rpId']);
  });

  it('checks bundles for the mark the interceptor module really carries', () => {
    expect(WORKFLOW_INTERCEPTORS_MARK).toBe(WRIT_WORKFLOW_INTERCEPTORS);
  });
});

describe('when the plugin is given a role', () => {
  const namespace = () => testTemporal().namespace;
  const authorizerGovernance = (): WritGovernance => ({ ...governance, receiptSigner: undefined, trustedKeys: undefined });
  const executorGovernance = (): WritGovernance => ({ ...governance, signer: undefined });

  it('refuses key material the role must not hold, and lacks the one it needs, listing each (CONFIG_INVALID)', () => {
    const issuesOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return isWritError(error) ? error.issues.map((issue) => issue.path).sort() : ['not a WritError'];
      }
      return [];
    };
    // An executor holding the authorization key could authorize its own actions.
    expect(issuesOf(() => new WritPlugin({ role: 'executor', actions, governance }))).toEqual(['governance.signer']);
    // An authorizer holding a receipt key could attest to executions it never ran.
    expect(issuesOf(() => new WritPlugin({ role: 'authorizer', actions, governance: { ...governance, trustedKeys: undefined } }))).toEqual(['governance.receiptSigner']);
    expect(issuesOf(() => new WritPlugin({ role: 'authorizer', actions, governance: authorizerGovernance(), exemptActivities: ['sendNewsletter'] }))).toEqual(['exemptActivities']);
    expect(issuesOf(() => new WritPlugin({ role: 'all', actions, governance: { ...governance, receiptSigner: undefined } }))).toEqual(['governance.receiptSigner']);
    expect(issuesOf(() => new WritPlugin({ role: 'executor', actions, governance: { ...executorGovernance(), trustedKeys: undefined } }))).toEqual(['governance.trustedKeys']);
    expect(issuesOf(() => new WritPlugin({ role: 'authorizer', actions, governance: authorizerGovernance() }))).toEqual([]);
    expect(issuesOf(() => new WritPlugin({ role: 'executor', authorizerTaskQueue: 'authz', actions, governance: executorGovernance() }))).toEqual([]);
  });

  it('refuses local authorization except on role all: an executor would hold the authorization key, an authorizer runs no workflows (CONFIG_INVALID)', () => {
    const refused = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return isWritError(error) ? { code: error.code, paths: error.issues.map((issue) => issue.path), message: error.message } : { code: 'not a WritError', paths: [], message: String(error) };
      }
      return undefined;
    };
    const executor = refused(() => new WritPlugin({ role: 'executor', authorizerTaskQueue: 'authz', authorization: 'local', actions, governance: executorGovernance() }));
    expect(executor).toMatchObject({ code: 'CONFIG_INVALID', paths: ['authorization'] });
    expect(executor?.message).toMatch(/an executor cannot authorize locally/);
    const authorizer = refused(() => new WritPlugin({ role: 'authorizer', authorization: 'local', actions, governance: authorizerGovernance() }));
    expect(authorizer).toMatchObject({ code: 'CONFIG_INVALID', paths: ['authorization'] });
    expect(refused(() => new WritPlugin({ authorization: 'remote' as never, actions, governance }))).toMatchObject({ code: 'CONFIG_INVALID', paths: ['authorization'] });
    expect(refused(() => new WritPlugin({ authorization: 'local', actions, governance }))).toBeUndefined();
    expect(refused(() => new WritPlugin({ role: 'executor', authorizerTaskQueue: 'authz', authorization: 'activity', actions, governance: executorGovernance() }))).toBeUndefined();
  });

  it('refuses an executor worker that would send authorization to its own task queue, or to none (CONFIG_INVALID)', async () => {
    const taskQueue = `writ-plugin-${randomUUID()}`;
    const create = (authorizerTaskQueue?: string) =>
      Worker.create({
        connection: nativeConnection,
        namespace: namespace(),
        taskQueue,
        workflowsPath: STARTER_WORKFLOWS,
        plugins: [new WritPlugin({ role: 'executor', actions, governance: executorGovernance(), ...(authorizerTaskQueue === undefined ? {} : { authorizerTaskQueue }) })],
      });
    expect((await refusal(create()))?.message).toMatch(/authorizerTaskQueue/);
    expect((await refusal(create(taskQueue)))?.code).toBe('CONFIG_INVALID');
  });

  it('refuses an authorizer worker given workflows, other activities or another task queue than the authorizer\'s (CONFIG_INVALID)', async () => {
    const base = { connection: nativeConnection, namespace: namespace(), taskQueue: `writ-plugin-${randomUUID()}` };
    const plugin = (authorizerTaskQueue?: string) => new WritPlugin({ role: 'authorizer', actions, governance: authorizerGovernance(), ...(authorizerTaskQueue === undefined ? {} : { authorizerTaskQueue }) });
    expect((await refusal(Worker.create({ ...base, workflowsPath: STARTER_WORKFLOWS, plugins: [plugin()] })))?.message).toMatch(/runs no workflows/);
    expect((await refusal(Worker.create({ ...base, activities: { sendNewsletter: async () => 'sent' }, plugins: [plugin()] })))?.message).toMatch(/writ.authorize alone/);
    expect((await refusal(Worker.create({ ...base, plugins: [plugin('elsewhere')] })))?.message).toMatch(/polls the authorizer task queue "elsewhere"/);
  });

  it('refuses role all told to authorize on another task queue: that is an executor (CONFIG_INVALID)', async () => {
    const created = Worker.create({ connection: nativeConnection, namespace: namespace(), taskQueue: `writ-plugin-${randomUUID()}`, workflowsPath: STARTER_WORKFLOWS, plugins: [new WritPlugin({ actions, governance, authorizerTaskQueue: 'elsewhere' })] });
    expect((await refusal(created))?.message).toMatch(/run the worker as an executor/);
  });
});
