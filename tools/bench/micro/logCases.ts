import path from 'node:path';
import { CheckpointVerifier } from '../../../core/log/checkpoint/checkpointVerifier';
import type { EvidenceEntry } from '../../../core/log/entries/evidenceEntry';
import { leafHash } from '../../../core/log/merkle/hashes';
import { verifyInclusion } from '../../../core/log/merkle/verifyInclusion';
import { Ed25519NoteSigner, generateNoteKey } from '../../../core/log/note/noteSigner';
import { SIGNATURE_TYPE } from '../../../core/log/note/noteKeys';
import { formatTlogProof, parseTlogProof } from '../../../core/log/proof/tlogProof';
import { verifyTlogProof } from '../../../core/log/proof/verifyTlogProof';
import { LogDirectory } from '../../../core/log/storage/logDirectory';
import { LogReader } from '../../../core/log/storage/logReader';
import type { MicroCase } from './timeIterations';
import { BatchingEvidenceLog, DEFAULT_BATCHING } from '../../../core/log/evidence/batchingEvidenceLog';

/** Batch sizes the append benchmark times: one step alone, and batches a busy worker fills. */
export const LOG_APPEND_BATCHES = [1, 16, 256] as const;
/** Concurrent steps appending through the batcher in the batched case. */
export const LOG_CONCURRENT_APPENDS = 64;
/**
 * Iterations of each log case at most: every append makes files durable on the bench's
 * disk, and 2,500 batches of 256 artifacts would write gigabytes.
 */
const LOG_MAX_ITERATIONS = 200;

/**
 * The evidence log's costs: an append of a batch of 1, 16 and 256 authorization artifacts
 * (the real minted artifact, as the governed step will log it) to a log in its own
 * directory under `storeDir`, each acknowledged only once its tiles, bundles and signed
 * checkpoint are on disk (so the per-entry cost is the iteration's divided by the batch);
 * the same through the worker's path (the log opened shared, its lock taken per batch): one
 * entry alone, directly and through the batcher (which waits its window for company), and
 * LOG_CONCURRENT_APPENDS steps appending at once through the batcher (per entry: / that);
 * and verifying an inclusion proof, the RFC 9162 path alone and a whole tlog-proof file
 * (checkpoint signature included), against a log of 70,000 entries (the tlog-tiles example:
 * three tile levels).
 */
export async function buildLogCases(storeDir: string, artifact: string): Promise<{ cases: MicroCase[]; close(): void }> {
  const key = Ed25519NoteSigner.fromPrivateKey(generateNoteKey('bench.writ.local/log', SIGNATURE_TYPE.ed25519).privateKey);
  const entry = (step: number): EvidenceEntry => ({ v: 1, kind: 'artifact', runId: 'bench-micro-run', stepId: `writ-step-${step}`, evidence: artifact });
  const logs: LogDirectory[] = [];
  let step = 0;
  const cases: MicroCase[] = [];
  for (const batch of LOG_APPEND_BATCHES) {
    const log = await LogDirectory.create(path.join(storeDir, `log-${batch}`), key);
    logs.push(log);
    cases.push({
      name: `log-append-${batch}`,
      description: `evidence log append of ${batch} artifact${batch === 1 ? '' : 's'} (${Buffer.byteLength(artifact)} B each), durable with its signed checkpoint; per entry: / ${batch}`,
      maxIterations: LOG_MAX_ITERATIONS,
      run: () => log.append(Array.from({ length: batch }, () => entry((step += 1)))),
    });
  }

  // The worker's path: a log shared by the host's processes, appended to through the batcher.
  const shared = await LogDirectory.openShared(path.join(storeDir, 'log-shared'), key, { lockTimeoutMs: 5_000, create: true });
  const batcher = new BatchingEvidenceLog((entries) => shared.append(entries), () => undefined);
  cases.push(
    {
      name: 'log-append-shared-1',
      description: 'evidence log append of 1 artifact to a shared log (writer lock taken for the batch, checkpoint read back), durable',
      maxIterations: LOG_MAX_ITERATIONS,
      run: () => shared.append([entry((step += 1))]),
    },
    {
      name: 'evidence-log-1',
      description: `one step's artifact through the batcher alone: waits its ${DEFAULT_BATCHING.windowMs} ms window, then a shared append of 1`,
      maxIterations: LOG_MAX_ITERATIONS,
      run: () => batcher.append(entry((step += 1))),
    },
    {
      name: `evidence-log-concurrent-${LOG_CONCURRENT_APPENDS}`,
      description: `${LOG_CONCURRENT_APPENDS} steps' artifacts appended at once through the batcher, all durable; per entry: / ${LOG_CONCURRENT_APPENDS}`,
      maxIterations: LOG_MAX_ITERATIONS,
      run: () => Promise.all(Array.from({ length: LOG_CONCURRENT_APPENDS }, () => batcher.append(entry((step += 1))))),
    },
  );

  const proven = logs[logs.length - 1]!;
  while (proven.size < 70_000) await proven.append(Array.from({ length: Math.min(4096, 70_000 - proven.size) }, () => entry((step += 1))));
  const checkpoints = CheckpointVerifier.fromVerifierKeys({ origin: key.name, logKeys: [key.verifierKey] });
  const reader = LogReader.forDirectory(proven.directory, checkpoints);
  const { proof, entry: logged } = await reader.prove(31_337, await reader.latest());
  const proofText = formatTlogProof(proof);
  const parsed = parseTlogProof(proofText);
  const { size, root } = (await reader.latest()).verified.checkpoint;
  const leaf = leafHash(logged);
  cases.push(
    {
      name: 'log-inclusion-verify',
      description: `RFC 9162 inclusion proof of one entry in a log of ${size} (${parsed.proof.length} hashes)`,
      run: () => verifyInclusion(parsed.index, size, leaf, parsed.proof, root),
    },
    {
      name: 'log-proof-verify',
      description: 'a tlog-proof file checked offline: parse, checkpoint signature and origin, leaf hash, inclusion',
      run: () => verifyTlogProof(proofText, logged, checkpoints),
    },
  );
  return {
    cases,
    close: () => {
      void batcher.close();
      shared.close();
      logs.forEach((log) => log.close());
    },
  };
}
