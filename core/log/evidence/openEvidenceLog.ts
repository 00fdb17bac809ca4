import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { WritError } from '../../errors/writError';
import { ensureLogKey, readLogKey } from '../storage/logKeyFile';
import { LogDirectory } from '../storage/logDirectory';
import { BatchLock } from '../storage/batchLock';
import { BatchingEvidenceLog } from './batchingEvidenceLog';
import { DEFAULT_EVIDENCE_LOG, DEV_LOG_ORIGIN, type EvidenceLogConfig } from './evidenceLogConfig';
import { NO_EVIDENCE_LOG, type EvidenceLog } from './evidenceLog';
import { PostgresEvidenceLog } from './postgresEvidenceLog';
import type { PostgresSequencerOptions } from '../sequencer/postgresLogSequencer';

/** A log directory with its paths resolved (as loadConfig returns it). */
export interface ResolvedDirectoryLog {
  readonly dir: string;
  readonly keyFile: string;
}

/**
 * Opens the configured evidence log for a worker process: the log directory shared with
 * the host's other worker processes (the writer lock is taken per batch), appended to
 * through a batcher; or, for `postgres`, sequenced in the governance store's database
 * (`options.sequencer`, CONFIG_INVALID without it) and integrated into the directory on
 * a schedule. With `create` (development) the key and the log are made when missing,
 * under the directory's lock so that processes starting together make one; else both
 * must exist (`writ log init`): LOG_KEY_INVALID, LOG_NOT_FOUND. A configured origin must
 * be the key's (LOG_ORIGIN_MISMATCH).
 */
export async function openEvidenceLog(
  config: EvidenceLogConfig & Partial<ResolvedDirectoryLog>,
  options: { readonly create: boolean; readonly sequencer?: PostgresSequencerOptions; readonly onCheckpointError?: (error: unknown) => void },
): Promise<EvidenceLog> {
  if (config.kind === 'off') return NO_EVIDENCE_LOG;
  const { dir, keyFile } = config;
  if (dir === undefined || keyFile === undefined) throw new WritError('CONFIG_INVALID', 'the evidence log directory and key file are resolved by loadConfig');
  if (config.kind === 'postgres' && options.sequencer === undefined) throw new WritError('CONFIG_INVALID', 'a log sequenced in PostgreSQL needs the PostgreSQL governance store');
  let key;
  if (options.create && !existsSync(keyFile)) {
    mkdirSync(path.dirname(keyFile), { recursive: true });
    mkdirSync(dir, { recursive: true });
    // Under the log's lock: two processes starting together must not each make a key.
    const lock = new BatchLock(dir, 'the log');
    try {
      await lock.acquire(config.lockTimeoutMs);
      key = await ensureLogKey(keyFile, config.origin ?? DEV_LOG_ORIGIN);
    } finally {
      lock.close();
    }
  } else {
    key = readLogKey(keyFile);
  }
  if (config.origin !== undefined && key.name !== config.origin) throw new WritError('LOG_ORIGIN_MISMATCH', `${keyFile} holds the key of log ${key.name}, not of the configured origin ${config.origin}`);
  const log = await LogDirectory.openShared(dir, key, { lockTimeoutMs: config.lockTimeoutMs, create: options.create });
  const batching = { windowMs: config.batchWindowMs, maxBatchEntries: config.maxBatchEntries };
  if (config.kind === 'directory') return new BatchingEvidenceLog((entries) => log.append(entries), () => log.close(), batching);
  // Loaded only when configured, as the PostgreSQL store is.
  const { PostgresLogSequencer } = require('../sequencer/postgresLogSequencer') as typeof import('../sequencer/postgresLogSequencer');
  const sequencer = PostgresLogSequencer.connect(options.sequencer!);
  return new PostgresEvidenceLog(sequencer, log, batching, { intervalMs: config.checkpointIntervalMs, ...(options.onCheckpointError === undefined ? {} : { onError: options.onCheckpointError }) });
}

/**
 * The development log of `dataDir`: `<dataDir>/log` with its key `<dataDir>/log.key`, both
 * made on first use, with the default batching (what `openGovernance` opens when nothing
 * is configured). For tests and tools that build a worker's dependencies by hand.
 */
export function openDevEvidenceLog(dataDir: string): Promise<EvidenceLog> {
  return openEvidenceLog({ ...DEFAULT_EVIDENCE_LOG, dir: path.join(dataDir, 'log'), keyFile: path.join(dataDir, 'log.key') }, { create: true });
}
