import { WritError } from '../../errors/writError';
import { checkConsistency } from '../checkpoint/checkConsistency';
import type { CheckpointVerifier, VerifiedCheckpoint } from '../checkpoint/checkpointVerifier';
import { consistencyProof } from '../merkle/consistencyProof';
import { inclusionProof } from '../merkle/inclusionProof';
import { leafHash } from '../merkle/hashes';
import { verifyInclusion } from '../merkle/verifyInclusion';
import type { TlogProof } from '../proof/tlogProof';
import { computeOverTiles } from '../tiles/tileHashes';
import { CHECKPOINT_PATH, TILE_WIDTH } from '../tiles/tilePath';
import type { TileStorage } from '../tiles/tileStorage';
import { DirectoryStorage } from './directoryStorage';
import { readBundleAt } from './readEdge';

/** A checkpoint as published and as verified. */
export interface PublishedCheckpoint {
  /** The note, verbatim. */
  readonly note: string;
  readonly verified: VerifiedCheckpoint;
}

/**
 * Reads a tiled log (a directory now; a URL prefix or object storage later) and answers
 * with proofs, trusting nothing it reads: the checkpoint only once `checkpoints` verified
 * it, tiles only through proofs that verify against a verified checkpoint. Needs no lock:
 * a published checkpoint's tiles are never rewritten.
 */
export class LogReader {
  readonly storage: TileStorage;
  readonly #checkpoints: CheckpointVerifier;

  constructor(storage: TileStorage, checkpoints: CheckpointVerifier) {
    this.storage = storage;
    this.#checkpoints = checkpoints;
  }

  /** A reader of the log in `directory`. */
  static forDirectory(directory: string, checkpoints: CheckpointVerifier): LogReader {
    return new LogReader(new DirectoryStorage(directory), checkpoints);
  }

  /** The log's current checkpoint, verified (LOG_NOT_FOUND when there is none). */
  async latest(): Promise<PublishedCheckpoint> {
    const data = await this.storage.read(CHECKPOINT_PATH);
    if (data === undefined) throw new WritError('LOG_NOT_FOUND', 'the log has no checkpoint');
    return this.verify(data);
  }

  /** Verifies a checkpoint note of this log (one saved earlier, say). */
  verify(note: Uint8Array | string): PublishedCheckpoint {
    const text = typeof note === 'string' ? note : Buffer.from(note).toString('utf8');
    return { note: text, verified: this.#checkpoints.verify(note) };
  }

  /** Entry `index` as logged, from a tree of `size` entries (LOG_ENTRY_NOT_FOUND beyond it). */
  async entry(index: number, size: number): Promise<Buffer> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new WritError('LOG_ENTRY_NOT_FOUND', `no entry ${index} in a log of ${size}`);
    const bundle = await readBundleAt(this.storage, size, Math.floor(index / TILE_WIDTH));
    return bundle[index % TILE_WIDTH]!;
  }

  /**
   * The tlog-proof of entry `index` against `checkpoint`, with the entry. The proof is
   * verified before it is returned, so a tile that does not match the signed root is
   * LOG_CORRUPT here and never an exported proof that fails later.
   */
  async prove(index: number, checkpoint: PublishedCheckpoint): Promise<{ proof: TlogProof; entry: Buffer }> {
    const { size, root } = checkpoint.verified.checkpoint;
    const entry = await this.entry(index, size);
    const proof = await computeOverTiles(this.storage, size, (tree) => inclusionProof(tree, index, size));
    try {
      verifyInclusion(index, size, leafHash(entry), proof, root);
    } catch (error) {
      throw new WritError('LOG_CORRUPT', `entry ${index} and the tiles do not lead to the checkpoint's root: the log's files were changed`, { cause: error });
    }
    return { proof: { index, proof, checkpoint: checkpoint.note }, entry };
  }

  /**
   * The consistency proof from `older` to `newer`, both verified checkpoints of this log,
   * checked before it is returned: LOG_CHECKPOINT_INCONSISTENT when the log cannot show
   * that `newer` extends `older` (a fork, or a rewritten tile), LOG_CHECKPOINT_OLDER when
   * `newer` is the smaller (the rules of `checkConsistency`), and for a `newer` beyond what
   * the log holds.
   */
  async consistency(older: PublishedCheckpoint, newer: PublishedCheckpoint): Promise<Buffer[]> {
    const a = older.verified.checkpoint;
    const b = newer.verified.checkpoint;
    const held = (await this.latest()).verified.checkpoint.size;
    // The log's one writer only ever publishes from what it holds: a signed checkpoint
    // beyond it is another history of this log.
    if (b.size > held) throw new WritError('LOG_CHECKPOINT_INCONSISTENT', `the log holds ${held} entries, yet a checkpoint of it says ${b.size}: it is not of this log's history`);
    const proof = a.size === 0 || a.size >= b.size ? [] : await computeOverTiles(this.storage, b.size, (tree) => consistencyProof(tree, a.size, b.size));
    checkConsistency(a, b, proof);
    return proof;
  }
}
