import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { installRuntimeLogging } from '../../worker/runtimeLogging';
import { createWritClient } from '../../core/client/createWritClient';
import type { KeyStore } from '../../core/keys/keyStore';
import type { TrustedKeySet } from '../../core/keys/trustedKeySet';
import type { AuditKeySet } from '../../core/audit/keys/auditKeySet';
import type { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { fetchRuns } from '../../core/audit/live/fetchRuns';
import { policySetEvidence, type PolicySetEvidence } from '../../core/audit/evidence/policySetEvidence';
import type { AuditVerdict } from '../../core/audit/types';
import type { VerifyOptions } from '../../core/audit/verifyOptions';
import { verifyHistories } from '../../core/audit/verifyHistories';
import { PolicySource } from '../../core/policy/policySource';
import { SqliteGovernanceStore } from '../../core/governance/sqliteGovernanceStore';
import { openExampleStores, type ExampleStores } from '../../examples/exampleStores';
import { createExampleActions } from '../../examples/exampleActions';
import type { GovernedActions } from '../../core/actions/types';
import { createGovernedWorker } from '../../worker/createGovernedWorker';
import type { Signer } from '../../core/artifact/mintArtifact';
import { sharedBundle } from './sharedBundle';
import type { EvidenceLog } from '../../core/log/evidence/evidenceLog';
import { openDevEvidenceLog } from '../../core/log/evidence/openEvidenceLog';
import { testTemporal } from './testServer';
import { openDevTrust } from './devTrust';
import type { AuthorizationMode } from '../../core/protocol/authorizeContract';
import type { WritOperatorOptions } from '../../core/plugin/writPluginOptions';

/** Everything one test file needs: a governed worker on its own task queue, real stores. */
export interface GovernedTestEnv {
  readonly dir: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly stores: ExampleStores;
  readonly governance: SqliteGovernanceStore;
  /** The evidence log the worker writes to (in `logDir`, key `<dir>/log.key`, unless one was given). */
  readonly evidenceLog: EvidenceLog;
  readonly logDir: string;
  /** The authorization keys. */
  readonly keyStore: KeyStore;
  /** The receipt keys the worker signs receipts with. */
  readonly receiptKeyStore: KeyStore;
  readonly idp: DevIdentityProvider;
  readonly signer: Signer;
  /** The authorization keys' public set: what artifacts verify with. */
  readonly trustedKeys: TrustedKeySet;
  /** The receipt keys' public set: what receipts verify with. */
  readonly receiptKeys: TrustedKeySet;
  /** Both, with their signing periods, as an auditor is given them. */
  auditKeys(): AuditKeySet;
  readonly worker: Worker;
  readonly connection: Connection;
  /** A client whose starts carry a fresh token for `principal` with `groups`. */
  clientAs(principal: string, groups: string[]): Promise<Client>;
  /** Stops the worker (as a deploy or crash would) and starts a fresh one on the queue. */
  restartWorker(): Promise<void>;
  /** A client that sends no identity at all. */
  anonymousClient(): Client;
  /**
   * The auditor's verdict on the latest runs of `workflowIds`, from the server, replay
   * included, with the policy sets given (default: the worker's active one).
   */
  audit(workflowIds: readonly string[], policySets?: readonly PolicySetEvidence[]): Promise<AuditVerdict>;
  /** What `audit` verifies with: the keys, the policy sets given (default: the active one), the identity provider's keys, replay against the bundle. */
  verifyOptions(policySets?: readonly PolicySetEvidence[]): Promise<VerifyOptions>;
  close(): Promise<void>;
}

/** The demo principals' groups, as tests use them. */
export const TREASURER = { principal: 'alice', groups: ['treasury', 'ops'] };
export const AGENT = { principal: 'support-agent', groups: ['agents'] };

/**
 * Starts a governed worker for the example actions on the shared dev server, with its own
 * temp directory (keys, identity provider, SQLite stores) and task queue.
 */
export async function createGovernedTestEnv(
  options: { policiesDir?: string; policies?: PolicySource; clock?: () => Date; evidenceLog?: EvidenceLog; /** Governed actions the worker serves beside the examples'. */ extraActions?: GovernedActions; authorization?: AuthorizationMode; /** How the worker verifies operators' statements (kinds accepted, passkey trust). */ operators?: WritOperatorOptions } = {},
): Promise<GovernedTestEnv> {
  installRuntimeLogging('ERROR');
  const { address, namespace } = testTemporal();
  const dir = mkdtempSync(join(tmpdir(), 'writ-test-'));
  const trust = await openDevTrust(dir);
  const { keyStore, receiptKeyStore, receiptSigner, idp, identity, signer, trustedKeys } = trust;
  const policies = options.policies ?? PolicySource.load(options.policiesDir ?? resolve(__dirname, '../../examples/policies'));
  const stores = openExampleStores(join(dir, 'stores'));
  stores.ledger.seedDemo();
  stores.workspace.seedDemo();
  const governance = SqliteGovernanceStore.open(join(dir, 'governance.sqlite'));
  const evidenceLog = options.evidenceLog ?? (await openDevEvidenceLog(dir));
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const taskQueue = `writ-test-${randomUUID()}`;
  const workflows = await sharedBundle();
  const newWorker = () => createGovernedWorker({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflows,
    actions: { ...createExampleActions(stores), ...options.extraActions },
    policies,
    signer: async () => signer,
    receiptSigner: async () => receiptSigner,
    trustedKeys,
    identity,
    governance,
    evidenceLog,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
    ...(options.operators === undefined ? {} : { operators: options.operators }),
  });
  const verifyOptions = async (policySets?: readonly PolicySetEvidence[]): Promise<VerifyOptions> => ({
    keys: trust.auditKeys(),
    policySets: policySets ?? [policySetEvidence(policies.current().policySet)],
    namespace,
    identity: await trust.identityEvidence(),
    replay: { bundle: workflows },
  });
  let worker = await newWorker();
  let running = worker.run();
  return {
    dir,
    namespace,
    taskQueue,
    stores,
    governance,
    evidenceLog,
    logDir: join(dir, 'log'),
    keyStore,
    receiptKeyStore,
    idp,
    signer,
    trustedKeys,
    receiptKeys: trust.receiptKeys,
    auditKeys: trust.auditKeys,
    get worker() {
      return worker;
    },
    connection,
    async restartWorker() {
      worker.shutdown();
      await running;
      worker = await newWorker();
      running = worker.run();
    },
    async clientAs(principal, groups) {
      // Bound to a key: the client may start any number of runs, each with its own proof.
      return createWritClient({ connection, namespace, ...(await idp.mintBoundCredential({ principal, groups })) });
    },
    anonymousClient: () => new Client({ connection, namespace }),
    verifyOptions,
    async audit(workflowIds, policySets) {
      const runs = await fetchRuns(new Client({ connection, namespace }), { workflowIds, related: false });
      return verifyHistories(runs, await verifyOptions(policySets));
    },
    async close() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      policies.close();
      stores.close();
      await evidenceLog.close();
    },
  };
}

