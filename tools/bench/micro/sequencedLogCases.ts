import path from 'node:path';
import type { EvidenceEntry } from '../../../core/log/entries/evidenceEntry';
import { NO_EVIDENCE_LOG } from '../../../core/log/evidence/evidenceLog';
import { EvidenceLogConfigSchema } from '../../../core/log/evidence/evidenceLogConfig';
import { openEvidenceLog } from '../../../core/log/evidence/openEvidenceLog';
import type { PostgresEvidenceLog } from '../../../core/log/evidence/postgresEvidenceLog';
import type { PostgresSequencerOptions } from '../../../core/log/sequencer/postgresLogSequencer';
import { LOG_CONCURRENT_APPENDS } from './logCases';
import type { MicroCase } from './timeIterations';

/** As the directory log's cases: every append commits to disk (here PostgreSQL's WAL). */
const MAX_ITERATIONS = 200;
/** Entries one integration case publishes a checkpoint for. */
const INTEGRATED_ENTRIES = 256;

/**
 * The append cost per step of a log sequenced in PostgreSQL, to read beside the directory
 * log's `evidence-log-1` and `evidence-log-concurrent-64` (logCases.ts) and the log turned
 * off: one step's artifact through the worker's path (batcher window, then one transaction
 * that takes the counter row, inserts the entry and commits, fsync on), the same for
 * LOG_CONCURRENT_APPENDS steps at once (one commit per batch), and INTEGRATED_ENTRIES appends followed
 * by the checkpoint that integrates them (read back, tiles and bundles written durably,
 * root recorded in PostgreSQL, checkpoint signed and renamed into place), on a log of its
 * own. Each log has its own database and a directory under `storeDir`; the scheduled
 * checkpoint is off, so only the checkpoint case integrates.
 */
export async function buildSequencedLogCases(
  storeDir: string,
  artifact: string,
  sequencers: { readonly appends: PostgresSequencerOptions; readonly checkpoints: PostgresSequencerOptions },
): Promise<{ cases: MicroCase[]; close(): Promise<void> }> {
  const config = EvidenceLogConfigSchema.parse({ kind: 'postgres', origin: 'bench.writ.local/sequenced-log', checkpointIntervalMs: 3_600_000 });
  const open = async (name: string, sequencer: PostgresSequencerOptions) =>
    (await openEvidenceLog({ ...config, dir: path.join(storeDir, name), keyFile: path.join(storeDir, `${name}.key`) }, { create: true, sequencer })) as PostgresEvidenceLog;
  // Two databases: the append cases' backlog must not land in the checkpoint case's integrations.
  const log = await open('log-postgres', sequencers.appends);
  const integrated = await open('log-postgres-checkpoint', sequencers.checkpoints);
  let step = 0;
  const entry = (): EvidenceEntry => ({ v: 1, kind: 'artifact', runId: 'bench-micro-run', stepId: `writ-step-${(step += 1)}`, evidence: artifact });
  const cases: MicroCase[] = [
    {
      name: 'evidence-log-1-postgres',
      description: "one step's artifact to the PostgreSQL-sequenced log alone: its batch window, then one transaction (counter row, insert, commit with fsync)",
      onPostgres: true,
      maxIterations: MAX_ITERATIONS,
      run: () => log.append(entry()),
    },
    {
      name: `evidence-log-concurrent-${LOG_CONCURRENT_APPENDS}-postgres`,
      description: `${LOG_CONCURRENT_APPENDS} steps' artifacts to the PostgreSQL-sequenced log at once, all committed; per entry: / ${LOG_CONCURRENT_APPENDS}`,
      onPostgres: true,
      maxIterations: MAX_ITERATIONS,
      run: () => Promise.all(Array.from({ length: LOG_CONCURRENT_APPENDS }, () => log.append(entry()))),
    },
    {
      name: `evidence-log-checkpoint-${INTEGRATED_ENTRIES}-postgres`,
      description: `${INTEGRATED_ENTRIES} steps' artifacts sequenced at once, then the checkpoint that integrates them (tiles and bundles durable, root recorded, checkpoint signed and published), on a log of its own`,
      onPostgres: true,
      maxIterations: 50,
      run: async () => {
        await Promise.all(Array.from({ length: INTEGRATED_ENTRIES }, () => integrated.append(entry())));
        return integrated.checkpoint();
      },
    },
  ];
  return { cases, close: async () => void (await Promise.all([log.close(), integrated.close()])) };
}

/** What a step's append costs with `evidenceLog: { kind: 'off' }` (measured with or without PostgreSQL). */
export function logOffCase(artifact: string): MicroCase {
  let step = 0;
  return {
    name: 'evidence-log-off-1',
    description: "one step's append with the log turned off (evidenceLog kind off): nothing is written",
    run: () => NO_EVIDENCE_LOG.append({ v: 1, kind: 'artifact', runId: 'bench-micro-run', stepId: `writ-step-${(step += 1)}`, evidence: artifact }),
  };
}
