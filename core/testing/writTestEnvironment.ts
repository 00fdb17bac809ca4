import { mkdtempSync, rmSync } from 'node:fs';
import type { EvidenceLog } from '../log/evidence/evidenceLog';
import { openDevEvidenceLog } from '../log/evidence/openEvidenceLog';
import type { AuthorizationMode } from '../protocol/authorizeContract';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { GovernedActions } from '../actions/types';
import { sha256Digest } from '../canonical/digest';
import { AuditKeySet } from '../audit/keys/auditKeySet';
import { exportBundle, writeBundle } from '../audit/evidence/exportBundle';
import { loadIdentityEvidence } from '../audit/evidence/identityEvidence';
import { policySetEvidence } from '../audit/evidence/policySetEvidence';
import { fetchRuns } from '../audit/live/fetchRuns';
import type { AuditVerdict } from '../audit/types';
import { verifyHistories } from '../audit/verifyHistories';
import { DEV_IDENTITY_ISSUER, DevIdentityProvider, WRIT_IDENTITY_AUDIENCE } from '../identity/devIdentityProvider';
import { IdentityVerifier } from '../identity/identityVerifier';
import { KeyStore } from '../keys/keyStore';
import { TrustedKeySet } from '../keys/trustedKeySet';
import type { GovernanceStore } from '../governance/governanceStore';
import { SqliteGovernanceStore } from '../governance/sqliteGovernanceStore';
import { GOVERNANCE_SQLITE_FILE } from '../governance/openGovernanceStore';
import { loadPolicySet } from '../policy/policySet';
import { PolicySource } from '../policy/policySource';
import { WritPlugin } from '../plugin/writPlugin';
import { startDevServer, type DevServer } from '../server/devServer';
import { quietBundlerLogger } from '../../worker/quietBundlerLogger';
import { installRuntimeLogging } from '../../worker/runtimeLogging';

/** What a test environment runs: the project's governed actions, workflows and policy set. */
export interface WritTestEnvironmentOptions {
  /** The governed actions the worker serves (declared with `defineAction`). */
  readonly actions: GovernedActions;
  /** The workflows module the worker bundles (e.g. `require.resolve('../src/workflows')`). */
  readonly workflowsPath: string;
  /** The policy set directory: `schema.cedarschema`, `*.cedar`, `policy-set.json`. */
  readonly policiesDir: string;
  /** Ungoverned activities the worker also serves, each declared by name. */
  readonly exemptActivities?: Readonly<Record<string, (...args: never[]) => Promise<unknown>>>;
  /** The Temporal CLI binary (default: `WRIT_TEMPORAL_CLI`, then `temporal` on PATH). */
  readonly temporalCli?: string;
  /** How the worker's runs authorize (`activity`, the default, or `local`: see WritPluginOptions.authorization). */
  readonly authorization?: AuthorizationMode;
}

/**
 * A governed worker against a real Temporal dev server, for a project's own jest tests:
 * a headless dev server in a temporary directory, a fresh authorization key and receipt key, the local
 * development identity provider, a governance store, and a worker with `WritPlugin` on
 * its own task queue. Clients act as any principal (`clientAs`); `audit` verifies the
 * runs' histories as `writ audit verify` does, replay included; `exportEvidence` writes
 * the evidence bundle `writ audit verify --bundle` reads.
 */
export class WritTestEnvironment {
  private constructor(
    private readonly server: DevServer,
    private readonly dir: string,
    private readonly connection: Connection,
    private readonly nativeConnection: NativeConnection,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
    private readonly idp: DevIdentityProvider,
    private readonly keyStore: KeyStore,
    private readonly receiptKeyStore: KeyStore,
    private readonly store: GovernanceStore,
    private readonly evidenceLog: EvidenceLog,
    private readonly policiesDir: string,
    private readonly workflowCode: string,
    /** The task queue the governed worker polls. */
    readonly taskQueue: string,
  ) {}

  /** Starts the dev server and the governed worker; `close()` stops both and removes the directory. */
  static async start(options: WritTestEnvironmentOptions): Promise<WritTestEnvironment> {
    // The SDK logs every denial as a failed activity with a stack; a test wants errors only.
    installRuntimeLogging('ERROR');
    const dir = mkdtempSync(join(tmpdir(), 'writ-testenv-'));
    const server = await startDevServer({
      dataDir: join(dir, 'temporal'),
      headless: true,
      searchAttributes: { WritStatus: 'Keyword', WritPrincipal: 'Keyword' },
      ...(options.temporalCli === undefined ? {} : { cliPath: options.temporalCli }),
    });
    try {
      const keyStore = KeyStore.open(join(dir, 'keys'));
      await keyStore.ensureActive();
      const receiptKeyStore = KeyStore.open(join(dir, 'receipt-keys'), { purpose: 'receipt' });
      await receiptKeyStore.ensureActive();
      const idp = DevIdentityProvider.open(join(dir, 'idp'));
      await idp.ensureKey();
      const identity = await IdentityVerifier.create({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: idp.jwksPath });
      const store = SqliteGovernanceStore.open(join(dir, GOVERNANCE_SQLITE_FILE));
      // A real log, as a development worker has: `<dir>/log`, made on first use.
      const evidenceLog = await openDevEvidenceLog(dir);
      const signer = await keyStore.loadSigner();
      const receiptSigner = await receiptKeyStore.loadSigner();
      const writ = new WritPlugin({
        actions: options.actions,
        governance: {
          signer: async () => signer,
          receiptSigner: async () => receiptSigner,
          trustedKeys: TrustedKeySet.fromJwks(keyStore.exportPublicJwks()),
          identity,
          policies: PolicySource.load(options.policiesDir),
          store,
          evidenceLog,
        },
        exemptActivities: Object.keys(options.exemptActivities ?? {}),
        ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
      });
      // Bundled once here, so `audit` replays exactly the code the worker runs.
      const { code } = await bundleWorkflowCode({ workflowsPath: options.workflowsPath, plugins: [writ], logger: quietBundlerLogger });
      const nativeConnection = await NativeConnection.connect({ address: server.address });
      const connection = await Connection.connect({ address: server.address });
      const taskQueue = `writ-test-${randomUUID()}`;
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: server.namespace,
        taskQueue,
        workflowBundle: { code },
        activities: options.exemptActivities ?? {},
        plugins: [writ],
      });
      const running = worker.run();
      return new WritTestEnvironment(server, dir, connection, nativeConnection, worker, running, idp, keyStore, receiptKeyStore, store, evidenceLog, options.policiesDir, code, taskQueue);
    } catch (error) {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The dev server's namespace. */
  get namespace(): string {
    return this.server.namespace;
  }

  /** The dev server's address (`host:port`). */
  get address(): string {
    return this.server.address;
  }

  /**
   * A client whose workflow starts carry a fresh identity token for `principal` in
   * `groups`, bound to a fresh proof key, and a start proof each: it may start any number
   * of runs, as a real client does.
   */
  async clientAs(principal: string, groups: readonly string[] = []): Promise<Client> {
    const { identityToken, proofKey } = await this.idp.mintBoundCredential({ principal, groups: [...groups] });
    return new Client({ connection: this.connection, namespace: this.namespace, plugins: [new WritPlugin({ identityToken, proofKey })] });
  }

  /** A client that sends no identity at all: every run it starts is refused (IDENTITY_MISSING). */
  anonymousClient(): Client {
    return new Client({ connection: this.connection, namespace: this.namespace });
  }

  /** Verifies the latest runs of `workflowIds` as an auditor would: the history checker and replay. */
  async audit(workflowIds: readonly string[]): Promise<AuditVerdict> {
    const runs = await fetchRuns(this.anonymousClient(), { workflowIds: [...workflowIds] });
    return verifyHistories(runs, {
      keys: this.auditKeys(),
      policySets: [policySetEvidence(loadPolicySet(this.policiesDir))],
      namespace: this.namespace,
      identity: await this.identityEvidence(),
      replay: { bundle: { bundle: { code: this.workflowCode }, codeDigest: sha256Digest(this.workflowCode) } },
    });
  }

  /** Writes an evidence bundle of the latest runs of `workflowIds` to `file`, for `writ audit verify --bundle`. */
  async exportEvidence(workflowIds: readonly string[], file: string): Promise<void> {
    const bundle = await exportBundle(this.anonymousClient(), { workflowIds: [...workflowIds] }, {
      namespace: this.namespace,
      keys: this.auditKeys(),
      policySets: [policySetEvidence(loadPolicySet(this.policiesDir))],
      identity: await this.identityEvidence(),
    });
    writeBundle(file, bundle);
  }

  /** Stops the worker and the dev server and removes the temporary directory. */
  async close(): Promise<void> {
    this.worker.shutdown();
    await this.running;
    await this.nativeConnection.close();
    await this.connection.close();
    await this.store.close();
    await this.evidenceLog.close();
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The authorization and receipt keys with their signing periods: the key set an auditor is given. */
  private auditKeys(): AuditKeySet {
    return AuditKeySet.fromKeyRecords([...this.keyStore.exportKeyRecords(), ...this.receiptKeyStore.exportKeyRecords()]);
  }

  private identityEvidence() {
    return loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: this.idp.jwksPath });
  }
}
