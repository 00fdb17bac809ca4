import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { AiSdkPlugin, type McpClientFactories } from '@temporalio/ai-sdk';
import type { ProviderV4 } from '@ai-sdk/provider';
import { installRuntimeLogging } from '../../worker/runtimeLogging';
import { quietBundlerLogger } from '../../worker/quietBundlerLogger';
import { createWritClient } from '../../core/client/createWritClient';
import type { AuditKeySet } from '../../core/audit/keys/auditKeySet';
import type { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { PolicySource } from '../../core/policy/policySource';
import { SqliteGovernanceStore } from '../../core/governance/sqliteGovernanceStore';
import { openDevEvidenceLog } from '../../core/log/evidence/openEvidenceLog';
import { WritPlugin } from '../../core/plugin/writPlugin';
import { sha256Digest } from '../../core/canonical/digest';
import type { GovernedActions } from '../../core/actions/types';
import type { GovernedBundle } from '../../worker/bundleGovernedWorkflows';
import { fetchRuns } from '../../core/audit/live/fetchRuns';
import { policySetEvidence } from '../../core/audit/evidence/policySetEvidence';
import { verifyHistories } from '../../core/audit/verifyHistories';
import type { AuditVerdict } from '../../core/audit/types';
import { loadPolicySet } from '../../core/policy/policySet';
import { testTemporal } from '../support/testServer';
import { openDevTrust } from '../support/devTrust';

/** The model activities `AiSdkPlugin` registers: ungoverned (a model call acts on nothing), so declared exempt. */
export const MODEL_ACTIVITIES = ['invokeModel', 'invokeModelStreaming', 'invokeEmbeddingModel'] as const;

/** What the AI SDK tests run: a worker with `AiSdkPlugin` and `WritPlugin`, as a team's worker has both. */
export interface AiSdkTestEnvOptions {
  readonly actions: GovernedActions;
  /** The model provider `AiSdkPlugin` serves; without one the worker has `WritPlugin` alone. */
  readonly modelProvider?: ProviderV4;
  readonly workflowsPath: string;
  readonly policiesDir: string;
  /** Ungoverned activities the worker also serves (declared exempt by name). */
  readonly exemptActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
  /** MCP servers `AiSdkPlugin` itself serves, ungoverned (for the test that shows they are refused). */
  readonly mcpClientFactories?: McpClientFactories;
}

/** One test file's governed worker on the shared dev server. */
export interface AiSdkTestEnv {
  readonly taskQueue: string;
  readonly namespace: string;
  readonly idp: DevIdentityProvider;
  readonly workflows: GovernedBundle;
  readonly policies: PolicySource;
  auditKeys(): AuditKeySet;
  /** Verifies the latest runs of `workflowIds` as an auditor would (replay included), told the worker's exempt activities. */
  audit(workflowIds: readonly string[]): Promise<AuditVerdict>;
  clientAs(principal: string, groups: string[]): Promise<Client>;
  anonymousClient(): Client;
  close(): Promise<void>;
}

/**
 * Starts a governed worker on the shared dev server whose plugins are `AiSdkPlugin` (the scripted model's
 * activities, and any MCP servers it is given) and `WritPlugin`, in that order, so Writ
 * checks every activity the worker serves; both plugins also bundle the workflows.
 */
export async function createAiSdkTestEnv(options: AiSdkTestEnvOptions): Promise<AiSdkTestEnv> {
  installRuntimeLogging('ERROR');
  const { address, namespace } = testTemporal();
  const dir = mkdtempSync(join(tmpdir(), 'writ-aisdk-'));
  const trust = await openDevTrust(dir);
  const { idp, identity, signer, receiptSigner } = trust;
  const policies = PolicySource.load(resolve(options.policiesDir));
  const store = SqliteGovernanceStore.open(join(dir, 'governance.sqlite'));
  const evidenceLog = await openDevEvidenceLog(dir);
  const extra = options.exemptActivities ?? {};
  // AiSdkPlugin's own MCP activities are declared exempt, except a name that is a governed
  // action: that collision is the worker's to refuse.
  const mcpNames = Object.keys(options.mcpClientFactories ?? {})
    .flatMap((name) => [`${name}-listTools`, `${name}-callTool`])
    .filter((name) => !(name in options.actions) && !(name in extra));
  const exemptActivities = [...(options.modelProvider === undefined ? [] : MODEL_ACTIVITIES), ...Object.keys(extra), ...mcpNames];
  const writ = new WritPlugin({
    actions: options.actions,
    governance: {
      signer: async () => signer,
      receiptSigner: async () => receiptSigner,
      trustedKeys: trust.trustedKeys,
      identity,
      policies,
      store,
      evidenceLog,
    },
    exemptActivities,
  });
  const aiSdk = options.modelProvider === undefined ? [] : [new AiSdkPlugin({ modelProvider: options.modelProvider, ...(options.mcpClientFactories === undefined ? {} : { mcpClientFactories: options.mcpClientFactories }) })];
  const plugins = [...aiSdk, writ];
  const { code } = await bundleWorkflowCode({ workflowsPath: options.workflowsPath, plugins, logger: quietBundlerLogger });
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const taskQueue = `writ-aisdk-${randomUUID()}`;
  const worker = await Worker.create({ connection: nativeConnection, namespace, taskQueue, workflowBundle: { code }, activities: extra, plugins }).catch(async (error: unknown) => {
    // A worker refused at start leaves nothing open behind it.
    await nativeConnection.close();
    await connection.close();
    policies.close();
    await store.close();
    await evidenceLog.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const running = worker.run();
  const auditKeys = trust.auditKeys;
  return {
    taskQueue,
    namespace,
    idp,
    workflows: { bundle: { code }, codeDigest: sha256Digest(code) },
    policies,
    auditKeys,
    async audit(workflowIds) {
      const runs = await fetchRuns(new Client({ connection, namespace }), { workflowIds: [...workflowIds], related: false });
      return verifyHistories(runs, {
        keys: auditKeys(),
        policySets: [policySetEvidence(loadPolicySet(resolve(options.policiesDir)))],
        namespace,
        exemptActivities,
        identity: await trust.identityEvidence(),
        replay: { bundle: { bundle: { code }, codeDigest: sha256Digest(code) } },
      });
    },
    async clientAs(principal, groups) {
      return createWritClient({ connection, namespace, ...(await idp.mintBoundCredential({ principal, groups })) });
    },
    anonymousClient: () => new Client({ connection, namespace }),
    async close() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      policies.close();
      await store.close();
      await evidenceLog.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
