import { WritError } from '../../errors/writError';
import { subtreeHash, type TreeHashes } from './treeHashes';
import { largestPowerOfTwoBelow, requireTreeSize } from './treeSize';

/**
 * The consistency proof from the tree's first `size1` leaves to its first `size2`: RFC
 * 9162, section 2.1.4.1, PROOF(m, D[n]) = SUBPROOF(m, D[n], true). Empty when the sizes
 * are equal. A proof from size 0 is refused: the empty tree is a prefix of every tree, so
 * there is nothing to prove, and callers (the witness, `writ log consistency`) treat that
 * case on its own. `verifyConsistency` checks it.
 */
export function consistencyProof(tree: TreeHashes, size1: number, size2: number = tree.size): Buffer[] {
  requireTreeSize(size1, 'the old tree size');
  requireTreeSize(size2, 'the new tree size');
  if (size2 > tree.size) throw new WritError('LOG_PROOF_INVALID', `tree size ${size2} is beyond the log's ${tree.size}`);
  if (size1 > size2) throw new WritError('LOG_PROOF_INVALID', `no consistency proof from size ${size1} back to ${size2}`);
  if (size1 === 0) throw new WritError('LOG_PROOF_INVALID', 'no consistency proof from the empty tree: every tree extends it');
  const proof: Buffer[] = [];
  // SUBPROOF(m, D[start:end], b), walked from the root down; `m` counts leaves from `start`.
  let m = size1;
  let start = 0;
  let end = size2;
  let whole = true;
  while (m !== end - start) {
    const k = largestPowerOfTwoBelow(end - start);
    if (m <= k) {
      proof.unshift(subtreeHash(tree, start + k, end));
      end = start + k;
    } else {
      proof.unshift(subtreeHash(tree, start, start + k));
      m -= k;
      start += k;
      whole = false;
    }
  }
  // SUBPROOF(m, D[m], true) is empty: the old root itself; with b false, MTH(D[m]).
  if (!whole) proof.unshift(subtreeHash(tree, start, end));
  return proof;
}
