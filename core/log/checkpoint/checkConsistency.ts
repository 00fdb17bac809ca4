import { WritError } from '../../errors/writError';
import { EMPTY_ROOT } from '../merkle/hashes';
import { verifyConsistency } from '../merkle/verifyConsistency';
import type { Checkpoint } from './checkpoint';

/**
 * Checks that checkpoint `newer` extends checkpoint `older` of the same log by `proof`,
 * the rules a witness applies (c2sp.org/tlog-witness, "add-checkpoint"): a smaller `newer`
 * is LOG_CHECKPOINT_OLDER; a size-0 checkpoint must have the empty tree's root, and from
 * size 0 the proof must be empty (the empty tree is a prefix of every tree); equal sizes
 * need equal roots; otherwise the RFC 9162 consistency proof must verify. Anything else is
 * LOG_CHECKPOINT_INCONSISTENT: the two cannot both be views of one append-only log.
 */
export function checkConsistency(older: Checkpoint, newer: Checkpoint, proof: readonly Uint8Array[]): void {
  if (older.origin !== newer.origin) throw new WritError('LOG_ORIGIN_MISMATCH', `checkpoints of two logs, ${older.origin} and ${newer.origin}`);
  if (newer.size < older.size) throw new WritError('LOG_CHECKPOINT_OLDER', `the checkpoint of size ${newer.size} is older than the one of size ${older.size}`);
  for (const checkpoint of [older, newer]) {
    if (checkpoint.size === 0 && !checkpoint.root.equals(EMPTY_ROOT)) throw inconsistent('a checkpoint of size 0 must have the root of the empty tree');
  }
  if (older.size === 0) {
    if (proof.length !== 0) throw inconsistent('the proof from size 0 must be empty');
    return;
  }
  try {
    verifyConsistency(older.size, newer.size, proof, older.root, newer.root);
  } catch (error) {
    throw inconsistent(`the checkpoint of size ${newer.size} does not extend the one of size ${older.size}: ${(error as Error).message}`, error);
  }
}

function inconsistent(why: string, cause?: unknown): WritError {
  return new WritError('LOG_CHECKPOINT_INCONSISTENT', why, cause === undefined ? {} : { cause });
}
