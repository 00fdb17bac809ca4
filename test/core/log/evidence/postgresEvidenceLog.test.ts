// The evidence log sequenced in PostgreSQL: appends acknowledged once committed, integrated
// into the directory on a schedule and on demand, by whichever log holds the integration
// lock; checkpoints never inconsistent; every refusal with its code and nothing written.
import { mkdtempSync, rmSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openGovernanceStore } from '../../../../core/governance/openGovernanceStore';
import { GovernanceStoreConfigSchema } from '../../../../core/governance/governanceStoreConfig';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { decodeEvidenceEntry } from '../../../../core/log/entries/evidenceEntry';
import { EvidenceLogConfigSchema } from '../../../../core/log/evidence/evidenceLogConfig';
import { openEvidenceLog } from '../../../../core/log/evidence/openEvidenceLog';
import type { PostgresEvidenceLog } from '../../../../core/log/evidence/postgresEvidenceLog';
import { checkConsistency } from '../../../../core/log/checkpoint/checkConsistency';
import { ensureLogKey, readLogKey } from '../../../../core/log/storage/logKeyFile';
import { LogDirectory } from '../../../../core/log/storage/logDirectory';
import { LogReader } from '../../../../core/log/storage/logReader';
import { verifyLogContents } from '../../../../core/log/storage/verifyLogContents';
import { CHECKPOINT_PATH } from '../../../../core/log/tiles/tilePath';
import { startPostgresServer, type PostgresServer } from '../../../../tools/postgres/postgresServer';
import { awaitedCodeOf } from '../../../support/codeOf';
import { testEntry } from '../support/evidence';

let server: PostgresServer;
let root: string;
let databases = 0;

beforeAll(async () => {
  server = await startPostgresServer();
  root = mkdtempSync(join(tmpdir(), 'writ-pg-log-'));
}, 120_000);

afterAll(async () => {
  await server?.destroy();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

interface Fixture {
  readonly url: string;
  readonly dir: string;
  readonly keyFile: string;
  readonly verifier: CheckpointVerifier;
  open(options?: { intervalMs?: number; origin?: string; keyFile?: string }): Promise<PostgresEvidenceLog>;
  sql(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
}

/** A migrated governance database of its own, a log key and an empty log directory. */
async function fixture(origin = 'pg.example/writ-log'): Promise<Fixture> {
  const n = ++databases;
  const url = await server.createDatabase(`log_${n}`);
  await (await openGovernanceStore(GovernanceStoreConfigSchema.parse({ kind: 'postgres', url }), { dataDir: root })).close();
  const dir = join(root, `log-${n}`);
  const keyFile = join(root, `log-${n}.key`);
  const key = await ensureLogKey(keyFile, origin);
  const verifier = CheckpointVerifier.fromVerifierKeys({ origin, logKeys: [key.verifierKey] });
  return {
    url,
    dir,
    keyFile,
    verifier,
    open: async (options = {}) => {
      const config = EvidenceLogConfigSchema.parse({ kind: 'postgres', checkpointIntervalMs: options.intervalMs ?? 3_600_000, ...(options.origin === undefined ? {} : { origin: options.origin }) });
      return (await openEvidenceLog({ ...config, dir, keyFile: options.keyFile ?? keyFile }, { create: true, sequencer: { url, poolSize: 2, queryTimeoutMs: 2_000 } })) as PostgresEvidenceLog;
    },
    sql: async (text, values = []) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(text, values)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
  };
}

/** Every entry's stepId, after checking the whole directory against its checkpoint. */
async function verifiedSteps(at: Fixture): Promise<string[]> {
  const reader = LogReader.forDirectory(at.dir, at.verifier);
  const latest = await reader.latest();
  const { size } = await verifyLogContents(reader, latest);
  const steps: string[] = [];
  for (let index = 0; index < size; index += 1) steps.push(decodeEvidenceEntry(await reader.entry(index, size)).stepId!);
  return steps;
}

const publishedSize = (at: Fixture) => at.verifier.verify(readFileSync(join(at.dir, CHECKPOINT_PATH))).checkpoint.size;

describe('the PostgreSQL-sequenced evidence log', () => {
  describe('when entries are appended', () => {
    it('acknowledges each once PostgreSQL committed its index, before any checkpoint covers it', async () => {
      const at = await fixture();
      const log = await at.open();
      const logged = await Promise.all([0, 1, 2, 3, 4].map((i) => log.append(testEntry(i))));
      expect(logged.map((entry) => entry.index).sort()).toEqual([0, 1, 2, 3, 4]);
      const rows = await at.sql('SELECT idx FROM evidence_log_entries ORDER BY idx');
      expect(rows.map((row) => Number(row['idx']))).toEqual([0, 1, 2, 3, 4]);
      // The write-ahead point is the commit: the directory has not integrated them yet.
      expect(publishedSize(at)).toBe(0);
      const published = await log.checkpoint();
      expect(published.size).toBe(5);
      await log.close();
      expect(await verifiedSteps(at)).toEqual([0, 1, 2, 3, 4].map((i) => `writ-step-${i}`));
    });
  });

  describe('when the checkpoint interval passes', () => {
    it('publishes a checkpoint of what the log grew by, without being asked', async () => {
      const at = await fixture();
      const log = await at.open({ intervalMs: 20 });
      for (let i = 0; i < 3; i += 1) await log.append(testEntry(i));
      for (let waited = 0; publishedSize(at) < 3 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(publishedSize(at)).toBe(3);
      // The log did not grow since: the ticks publish nothing (the checkpoint file is the same file).
      const published = statSync(join(at.dir, CHECKPOINT_PATH)).ino;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(statSync(join(at.dir, CHECKPOINT_PATH)).ino).toBe(published);
      await log.append(testEntry(3));
      for (let waited = 0; publishedSize(at) < 4 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(statSync(join(at.dir, CHECKPOINT_PATH)).ino).not.toBe(published);
      await log.close();
    });
  });

  describe('when two logs on one database and directory integrate at once', () => {
    it('integrates every entry exactly once, and every checkpoint extends the previous one consistently', async () => {
      const at = await fixture();
      const [a, b] = [await at.open(), await at.open()];
      const checkpoints: string[] = [];
      for (let round = 0; round < 6; round += 1) {
        await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).append(testEntry(`${round}-${i}`))));
        const [x, y] = await Promise.all([a.checkpoint(), b.checkpoint()]);
        checkpoints.push(x.checkpoint, y.checkpoint);
      }
      await Promise.all([a.close(), b.close()]);
      const steps = await verifiedSteps(at);
      expect(steps).toHaveLength(180);
      expect(new Set(steps).size).toBe(180);
      // Each checkpoint seen is consistent with the last: a consistency proof from the tiles verifies.
      const reader = LogReader.forDirectory(at.dir, at.verifier);
      const seen = checkpoints.map((note) => reader.verify(note));
      for (let i = 1; i < seen.length; i += 1) {
        const older = seen[i - 1]!;
        const newer = seen[i]!;
        if (older.verified.checkpoint.size === newer.verified.checkpoint.size) expect(newer.verified.checkpoint.root.equals(older.verified.checkpoint.root)).toBe(true);
        else checkConsistency(older.verified.checkpoint, newer.verified.checkpoint, await reader.consistency(older, newer));
      }
      // One root per size, as recorded before each was signed.
      const recorded = await at.sql('SELECT size FROM evidence_log_checkpoints ORDER BY size');
      expect(recorded.map((row) => Number(row['size']))).toEqual([...new Set(seen.map((cp) => cp.verified.checkpoint.size))].filter((size) => size > 0).sort((p, q) => p - q));
    });
  });

  describe('when another root was already signed for the size a checkpoint would have', () => {
    it('refuses LOG_CHECKPOINT_INCONSISTENT and signs nothing, the entries staying sequenced', async () => {
      const at = await fixture();
      const log = await at.open();
      await log.append(testEntry(0));
      await log.append(testEntry(1));
      await at.sql('INSERT INTO evidence_log_checkpoints (size, root) VALUES (2, $1)', [Buffer.alloc(32, 7)]);
      expect(await awaitedCodeOf(() => log.checkpoint())).toBe('LOG_CHECKPOINT_INCONSISTENT');
      expect(publishedSize(at)).toBe(0);
      expect(await verifiedSteps(at)).toEqual([]);
      await log.close();
    });
  });

  describe('when the directory holds more entries than PostgreSQL sequenced', () => {
    it('refuses LOG_CORRUPT: the directory is another log, and nothing is integrated into it', async () => {
      const at = await fixture();
      const log = await at.open();
      // Someone wrote to the directory behind the sequencer's back.
      const direct = await LogDirectory.openShared(at.dir, readLogKey(at.keyFile), { lockTimeoutMs: 1_000, create: false });
      await direct.append([testEntry('stray-0'), testEntry('stray-1')]);
      direct.close();
      await log.append(testEntry(0));
      expect(await awaitedCodeOf(() => log.checkpoint())).toBe('LOG_CORRUPT');
      expect(await verifiedSteps(at)).toEqual(['writ-step-stray-0', 'writ-step-stray-1']);
      await log.close();
    });
  });

  describe('when a log of another origin appends to the same database', () => {
    it('refuses LOG_ORIGIN_MISMATCH and sequences nothing', async () => {
      const at = await fixture();
      const log = await at.open();
      await log.append(testEntry(0));
      const otherKey = join(root, `other-${databases}.key`);
      await ensureLogKey(otherKey, 'other.example/writ-log');
      const other = await openEvidenceLog(
        { ...EvidenceLogConfigSchema.parse({ kind: 'postgres' }), dir: join(root, `other-${databases}`), keyFile: otherKey },
        { create: true, sequencer: { url: at.url, poolSize: 2, queryTimeoutMs: 2_000 } },
      );
      expect(await awaitedCodeOf(() => other.append(testEntry('other')))).toBe('LOG_ORIGIN_MISMATCH');
      expect(await at.sql('SELECT count(*)::int AS n FROM evidence_log_entries')).toEqual([{ n: 1 }]);
      await other.close();
      await log.close();
    });
  });

  describe('when PostgreSQL cannot be reached', () => {
    it('refuses the append GOVERNANCE_STORE_UNAVAILABLE: nothing is acknowledged', async () => {
      const at = await fixture();
      const config = EvidenceLogConfigSchema.parse({ kind: 'postgres' });
      const log = await openEvidenceLog({ ...config, dir: at.dir, keyFile: at.keyFile }, { create: true, sequencer: { url: `postgres://writ:wrong@127.0.0.1:1/none`, poolSize: 2, queryTimeoutMs: 500 } });
      expect(await awaitedCodeOf(() => log.append(testEntry(0)))).toBe('GOVERNANCE_STORE_UNAVAILABLE');
      await log.close();
      expect(publishedSize(at)).toBe(0);
    });
  });

  describe('when it is configured without the PostgreSQL governance store', () => {
    it('is refused CONFIG_INVALID', async () => {
      const at = await fixture();
      const config = EvidenceLogConfigSchema.parse({ kind: 'postgres' });
      expect(await awaitedCodeOf(() => openEvidenceLog({ ...config, dir: at.dir, keyFile: at.keyFile }, { create: true }))).toBe('CONFIG_INVALID');
    });
  });
});
