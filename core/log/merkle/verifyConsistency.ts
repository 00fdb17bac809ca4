import { WritError } from '../../errors/writError';
import { nodeHash } from './hashes';
import { requireHash, requireProofHashes, sameHash } from './proofHashes';
import { half, isOdd, isPowerOfTwo, requireTreeSize } from './treeSize';

/**
 * Verifies that the tree of `size2` leaves with root `root2` extends the tree of `size1`
 * leaves with root `root1`, by the algorithm of RFC 9162, section 2.1.4.2. Equal sizes
 * need an empty proof and equal roots. Throws `LOG_PROOF_INVALID` otherwise, and for a
 * proof from size 0: the empty tree is a prefix of every tree, so such a "proof" proves
 * nothing, and a caller that meets an empty old tree (a witness's first checkpoint) checks
 * the empty root itself.
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): void {
  requireTreeSize(size1, 'the old tree size');
  requireTreeSize(size2, 'the new tree size');
  if (size2 < size1) throw new WritError('LOG_PROOF_INVALID', `a tree of ${size2} cannot extend one of ${size1}`);
  if (size1 === 0) throw new WritError('LOG_PROOF_INVALID', 'a consistency proof from the empty tree proves nothing: check the empty root instead');
  if (size1 === size2) {
    if (proof.length !== 0) throw new WritError('LOG_PROOF_INVALID', `the sizes are equal (${size1}), yet the proof is not empty`);
    // One tree size, one root: the same bytes, whatever they are (a checkpoint's root is
    // already known to be a hash).
    if (!sameHash(root1, root2)) throw new WritError('LOG_PROOF_INVALID', `two different roots for the same tree size ${size1}`);
    return;
  }
  requireHash(root1, 'the old root hash');
  requireHash(root2, 'the new root hash');
  requireProofHashes(proof);
  if (proof.length === 0) throw new WritError('LOG_PROOF_INVALID', `an empty proof cannot show ${size2} extends ${size1}`);
  // Step 2: when the old tree is a perfect subtree, its root is the path's first node.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new WritError('LOG_PROOF_INVALID', `the consistency proof has ${proof.length} hashes, more than ${size1} to ${size2} needs`);
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new WritError('LOG_PROOF_INVALID', `the consistency proof has ${proof.length} hashes, fewer than ${size1} to ${size2} needs`);
  if (!sameHash(fr, root1)) throw new WritError('LOG_PROOF_INVALID', `the proof does not lead to the old root of the tree of ${size1}`);
  if (!sameHash(sr, root2)) throw new WritError('LOG_PROOF_INVALID', `the proof does not lead to the new root of the tree of ${size2}`);
}
