import { WritError } from '../../errors/writError';
import { nodeHash } from './hashes';
import { requireHash, requireProofHashes, sameHash } from './proofHashes';
import { half, isOdd, requireTreeSize } from './treeSize';

/**
 * Verifies that `leafHash` is leaf `index` of the tree of `size` leaves whose root is
 * `root`, by the algorithm of RFC 9162, section 2.1.3.2. Throws `LOG_PROOF_INVALID` when it
 * does not: an index outside the tree, a proof of the wrong length, anything that is not
 * a 32-byte hash, or a proof that leads to another root. `root` and `size` must come from
 * a verified checkpoint, never from whoever presents the proof.
 */
export function verifyInclusion(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): void {
  requireTreeSize(index, 'the leaf index');
  requireTreeSize(size, 'the tree size');
  requireHash(leafHash, 'the leaf hash');
  requireHash(root, 'the root hash');
  requireProofHashes(proof);
  if (index >= size) throw new WritError('LOG_PROOF_INVALID', `leaf ${index} is not in a tree of ${size}`);
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new WritError('LOG_PROOF_INVALID', `the inclusion proof has ${proof.length} hashes, more than the tree of ${size} needs`);
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new WritError('LOG_PROOF_INVALID', `the inclusion proof has ${proof.length} hashes, fewer than the tree of ${size} needs`);
  if (!sameHash(r, root)) throw new WritError('LOG_PROOF_INVALID', `leaf ${index} does not lead to the root of the tree of ${size}`);
}
