import type { WritConfig } from '../../config/writConfig';
import { WritError } from '../../errors/writError';
import { governanceStoreUrl, openGovernanceStore } from '../../governance/openGovernanceStore';
import type { EvidenceEntry } from '../entries/evidenceEntry';
import { readLogKey } from '../storage/logKeyFile';
import { LogDirectory, type AppendResult } from '../storage/logDirectory';
import { PostgresLogSequencer } from './postgresLogSequencer';

/** The log a `writ log` command acts on when it is sequenced in PostgreSQL, opened for one use. */
export interface SequencedLog {
  readonly sequencer: PostgresLogSequencer;
  readonly directory: LogDirectory;
}

/**
 * Opens the configured PostgreSQL-sequenced log for one command (migrating the governance
 * store's schema first, as a worker does), runs `use`, and closes both; undefined when
 * the configuration's log is not sequenced in PostgreSQL. Its directory is opened
 * shared, as the workers have it open too.
 */
export async function withSequencedLog<T>(config: WritConfig, use: (log: SequencedLog) => Promise<T>): Promise<T | undefined> {
  const log = config.evidenceLog;
  const store = config.governanceStore;
  if (log.kind !== 'postgres') return undefined;
  if (store.kind !== 'postgres') throw new WritError('CONFIG_INVALID', 'a log sequenced in PostgreSQL needs the PostgreSQL governance store');
  // As a worker's start does: the schema is migrated (or refused as newer) before the log's tables are used.
  await (await openGovernanceStore(store, { dataDir: config.dataDir })).close();
  const directory = await LogDirectory.openShared(log.dir, readLogKey(log.keyFile), { lockTimeoutMs: log.lockTimeoutMs, create: false });
  const sequencer = PostgresLogSequencer.connect({ url: governanceStoreUrl(store, process.env), poolSize: 2, queryTimeoutMs: store.queryTimeoutMs });
  try {
    return await use({ sequencer, directory });
  } finally {
    directory.close();
    await sequencer.close();
  }
}

/**
 * Publishes a checkpoint of everything sequenced so far (`writ log checkpoint` on a
 * PostgreSQL-sequenced log): waits for another host's integration, then integrates the
 * rest. The checkpoint is the same whichever host publishes it.
 */
export async function publishSequencedCheckpoint({ sequencer, directory }: SequencedLog): Promise<AppendResult> {
  return (await sequencer.integrate(directory, { wait: true }))!;
}

/** Sequences `entries` as one batch (`writ log append`), then publishes a checkpoint covering them. */
export async function appendSequenced(log: SequencedLog, entries: readonly EvidenceEntry[]): Promise<AppendResult> {
  const { indices } = await log.sequencer.sequence(log.directory.origin, entries);
  const published = await publishSequencedCheckpoint(log);
  return { ...published, indices };
}
