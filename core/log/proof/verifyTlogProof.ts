import type { CheckpointVerifier, VerifiedCheckpoint } from '../checkpoint/checkpointVerifier';
import { leafHash } from '../merkle/hashes';
import { verifyInclusion } from '../merkle/verifyInclusion';
import { parseTlogProof, type TlogProof } from './tlogProof';

/** What a verified tlog-proof establishes: this entry is at `index` in the checkpointed log. */
export interface VerifiedTlogProof {
  readonly index: number;
  readonly checkpoint: VerifiedCheckpoint;
}

/**
 * Verifies that `entry` is in the log, offline, as c2sp.org/tlog-proof ("Verifying a tlog
 * proof") lays out: `readProof` (LOG_PROOF_MALFORMED) → `checkCheckpoint` (the log's
 * signature, origin and witness quorum, by `checkpoints`) → `hashEntry` → `checkInclusion`
 * (LOG_PROOF_INVALID). The size and root the inclusion proof is checked against come only
 * from the checkpoint that verified, never from the proof file's other lines.
 */
export function verifyTlogProof(proofText: Uint8Array | string, entry: Uint8Array, checkpoints: CheckpointVerifier): VerifiedTlogProof {
  const proof = readProof(proofText);
  const checkpoint = checkCheckpoint(proof, checkpoints);
  const leaf = hashEntry(entry);
  checkInclusion(proof, leaf, checkpoint);
  return { index: proof.index, checkpoint };
}

function readProof(text: Uint8Array | string): TlogProof {
  return parseTlogProof(text);
}

function checkCheckpoint(proof: TlogProof, checkpoints: CheckpointVerifier): VerifiedCheckpoint {
  return checkpoints.verify(proof.checkpoint);
}

function hashEntry(entry: Uint8Array): Buffer {
  return leafHash(entry);
}

function checkInclusion(proof: TlogProof, leaf: Buffer, verified: VerifiedCheckpoint): void {
  verifyInclusion(proof.index, verified.checkpoint.size, leaf, proof.proof, verified.checkpoint.root);
}
