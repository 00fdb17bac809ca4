// One evidence log for many hosts, sequenced in PostgreSQL: an authorizer and two
// executors, each a `writ worker` process with its own data and key directories, append
// to one log (artifacts from the authorizer, receipts from the executors) while runs go on
// at once on both executors; every entry is in the log exactly once and the directory
// verifies. A `writ log checkpoint` killed mid-integration leaves nothing torn visible,
// and the next one completes it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { createWritClient } from '../../core/client/createWritClient';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../core/identity/devIdentityProvider';
import { GovernanceStoreConfigSchema } from '../../core/governance/governanceStoreConfig';
import { openGovernanceStore } from '../../core/governance/openGovernanceStore';
import { CheckpointVerifier } from '../../core/log/checkpoint/checkpointVerifier';
import { decodeEvidenceEntry, type EvidenceEntry } from '../../core/log/entries/evidenceEntry';
import { PostgresLogSequencer } from '../../core/log/sequencer/postgresLogSequencer';
import { BATCH_MARKER_FILE } from '../../core/log/storage/logDirectory';
import { LogReader } from '../../core/log/storage/logReader';
import { CHECKPOINT_PATH } from '../../core/log/tiles/tilePath';
import { startPostgresServer, type PostgresServer } from '../../tools/postgres/postgresServer';
import { testEntry } from '../core/log/support/evidence';
import { testTemporal } from '../support/testServer';
import { WRIT_CLI, WritHosts } from '../support/writHosts';

const DATABASE_URL_ENV = 'WRIT_FLEET_GOVERNANCE_URL';
const SMALL = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 300 };
const ORIGIN = 'fleet.example/writ-log';

let postgres: PostgresServer;
let root: string;

beforeAll(async () => {
  postgres = await startPostgresServer();
  root = mkdtempSync(join(tmpdir(), 'writ-fleet-log-'));
}, 120_000);

afterAll(async () => {
  await postgres?.destroy();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

/** A fleet's log: a database of its own and a directory every host reaches. */
async function fleetLog(name: string) {
  const url = await postgres.createDatabase(name);
  const shared = join(root, name);
  const evidenceLog = { kind: 'postgres', dir: join(shared, 'log'), keyFile: join(shared, 'log.key'), origin: ORIGIN, checkpointIntervalMs: 200 };
  const governanceStore = { kind: 'postgres', urlEnv: DATABASE_URL_ENV, queryTimeoutMs: 5_000 };
  const hosts = new WritHosts(join(root, `${name}-hosts`), { [DATABASE_URL_ENV]: url });
  return { url, shared, evidenceLog, governanceStore, hosts };
}

/** Every entry of the log in `dir`, read through its verified checkpoint. */
async function entriesOf(dir: string, vkey: string): Promise<EvidenceEntry[]> {
  const reader = LogReader.forDirectory(dir, CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [vkey] }));
  const { size } = (await reader.latest()).verified.checkpoint;
  const entries: EvidenceEntry[] = [];
  for (let index = 0; index < size; index += 1) entries.push(decodeEvidenceEntry(await reader.entry(index, size)));
  return entries;
}

describe('an evidence log sequenced in PostgreSQL, shared by an authorizer and two executors', () => {
  let fleet: Awaited<ReturnType<typeof fleetLog>>;
  let connection: Connection;
  let idp: DevIdentityProvider;
  const authorizerTaskQueue = `writ-fleet-log-authorize-${randomUUID()}`;
  const queues = [`writ-fleet-log-b-${randomUUID()}`, `writ-fleet-log-c-${randomUUID()}`];
  const dirs: string[] = [];

  beforeAll(async () => {
    fleet = await fleetLog('fleet_log');
    idp = DevIdentityProvider.open(join(root, 'idp'));
    await idp.ensureKey();
    const identity = { issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: idp.jwksPath };
    const common = { identity, governanceStore: fleet.governanceStore, evidenceLog: fleet.evidenceLog };
    const authorizer = fleet.hosts.host('authorizer', { role: 'authorizer', authorizerTaskQueue, ...common });
    for (const [i, taskQueue] of queues.entries()) dirs.push(fleet.hosts.host(`executor-${i}`, { role: 'executor', taskQueue, authorizerTaskQueue, trustedKeysFile: 'authorization-keys.json', ...common }));
    fleet.hosts.writOk(authorizer, 'keys', 'create');
    // One log for the fleet, made once, from any host.
    fleet.hosts.writOk(authorizer, 'log', 'init', '--origin', ORIGIN, '--json');
    for (const dir of dirs) {
      fleet.hosts.writOk(authorizer, 'keys', 'export', '--out', join(dir, 'authorization-keys.json'));
      fleet.hosts.writOk(dir, 'keys', '--purpose', 'receipt', 'create');
    }
    await Promise.all([authorizer, ...dirs].map((dir) => fleet.hosts.startWorker(dir)));
    connection = await Connection.connect({ address: testTemporal().address });
  }, 180_000);

  afterAll(async () => {
    await connection?.close();
    await fleet?.hosts.stopAll();
  });

  it('logs every artifact and receipt of runs on both executors exactly once, and the directory verifies', async () => {
    const client = await createWritClient({ connection, namespace: testTemporal().namespace, ...(await idp.mintBoundCredential({ principal: 'alice', groups: ['treasury'] })) });
    const handles = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client.workflow.start('transferFunds', { taskQueue: queues[i % 2]!, workflowId: `fleet-log-${i}-${randomUUID()}`, args: [SMALL] })),
    );
    await Promise.all(handles.map((handle) => expect(handle.result()).resolves.toMatchObject({ transferId: expect.any(String) })));

    // On demand, from a host: everything sequenced is integrated and checkpointed.
    const checkpoint = JSON.parse(fleet.hosts.writOk(dirs[0]!, 'log', 'checkpoint', '--json')) as { size: number };
    const verified = JSON.parse(fleet.hosts.writOk(dirs[1]!, 'log', 'verify', '--json')) as { size: number; kinds: Record<string, number> };
    expect(verified.size).toBe(checkpoint.size);
    const entries = await entriesOf(join(fleet.shared, 'log'), fleet.hosts.writOk(dirs[0]!, 'log', 'key').trim());
    expect(entries).toHaveLength(checkpoint.size);
    const runIds = handles.map((handle) => handle.firstExecutionRunId);
    for (const kind of ['artifact', 'receipt'] as const) {
      const ofKind = entries.filter((entry) => entry.kind === kind && runIds.includes(entry.runId!));
      // One of each per run, never twice.
      expect(ofKind.map((entry) => entry.runId).sort()).toEqual([...runIds].sort());
    }
    expect(new Set(entries.map((entry) => entry.evidence)).size).toBe(entries.length);
  });
});

describe('a `writ log checkpoint` killed mid-integration', () => {
  it('leaves a directory that verifies at its last checkpoint, and the next integration completes it, every entry once', async () => {
    const fleet = await fleetLog('killed_log');
    const host = fleet.hosts.host('host', { governanceStore: fleet.governanceStore, evidenceLog: fleet.evidenceLog });
    const init = JSON.parse(fleet.hosts.writOk(host, 'log', 'init', '--origin', ORIGIN, '--json')) as { verifierKey: string };
    // A backlog no host integrated yet: three batches of integration.
    const total = 3 * 4096 + 17;
    // Migrated as a worker's start would.
    await (await openGovernanceStore(GovernanceStoreConfigSchema.parse({ kind: 'postgres', url: fleet.url }), { dataDir: root })).close();
    const sequencer = PostgresLogSequencer.connect({ url: fleet.url, poolSize: 2, queryTimeoutMs: 10_000 });
    try {
      for (let from = 0; from < total; from += 4096) await sequencer.sequence(ORIGIN, Array.from({ length: Math.min(4096, total - from) }, (_, i) => testEntry(from + i)));
    } finally {
      await sequencer.close();
    }
    const dir = join(fleet.shared, 'log');
    const integrating = spawn(process.execPath, [WRIT_CLI, 'log', 'checkpoint'], { cwd: host, env: fleet.hosts.env(), stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => integrating.once('exit', () => resolve()));
    let killedMidBatch = false;
    while (integrating.exitCode === null) {
      // The marker is present only while a batch is being written: kill it right then.
      if (existsSync(join(dir, BATCH_MARKER_FILE))) {
        integrating.kill('SIGKILL');
        killedMidBatch = true;
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await exited;
    expect(killedMidBatch).toBe(true);
    const verifier = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [init.verifierKey] });
    const killedAt = verifier.verify(readFileSync(join(dir, CHECKPOINT_PATH))).checkpoint.size;
    expect(killedAt).toBeLessThan(total);
    // What is visible is whole: the published checkpoint verifies against every tile.
    expect(JSON.parse(fleet.hosts.writOk(host, 'log', '--dir', dir, 'verify', '--json'))).toMatchObject({ size: killedAt });

    // The next integration, on any host, takes the lock the dead one held and completes it.
    expect(JSON.parse(fleet.hosts.writOk(host, 'log', 'checkpoint', '--json'))).toMatchObject({ size: total });
    expect(JSON.parse(fleet.hosts.writOk(host, 'log', 'verify', '--json'))).toMatchObject({ size: total });
    const entries = await entriesOf(dir, init.verifierKey);
    expect(entries.map((entry) => entry.stepId)).toEqual(Array.from({ length: total }, (_, i) => `writ-step-${i}`));

    // `writ log append` on this host sequences through PostgreSQL too, then checkpoints.
    writeFileSync(join(host, 'entries.json'), JSON.stringify([testEntry('cli-0'), testEntry('cli-1')]));
    expect(JSON.parse(fleet.hosts.writOk(host, 'log', 'append', 'entries.json', '--json'))).toEqual({ indices: [total, total + 1], size: total + 2 });
    expect((await entriesOf(dir, init.verifierKey)).slice(-2).map((entry) => entry.stepId)).toEqual(['writ-step-cli-0', 'writ-step-cli-1']);
  }, 120_000);
});
