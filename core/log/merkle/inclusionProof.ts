import { WritError } from '../../errors/writError';
import { subtreeHash, type TreeHashes } from './treeHashes';
import { largestPowerOfTwoBelow, requireTreeSize } from './treeSize';

/**
 * The inclusion proof of leaf `index` in the tree's first `size` leaves: RFC 9162, section
 * 2.1.3.1, PATH(m, D[n]), from the leaf's sibling up to the root's child. `verifyInclusion`
 * checks it.
 */
export function inclusionProof(tree: TreeHashes, index: number, size: number = tree.size): Buffer[] {
  requireTreeSize(index, 'the leaf index');
  requireTreeSize(size, 'the tree size');
  if (size > tree.size) throw new WritError('LOG_PROOF_INVALID', `tree size ${size} is beyond the log's ${tree.size}`);
  if (index >= size) throw new WritError('LOG_ENTRY_NOT_FOUND', `no leaf ${index} in a tree of ${size}`);
  const proof: Buffer[] = [];
  // PATH(m, D[start:end]) = PATH(m, left) : MTH(right), or PATH(m - k, right) : MTH(left);
  // walked from the root down, so each sibling goes in front of those below it.
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = largestPowerOfTwoBelow(end - start);
    if (index < start + k) {
      proof.unshift(subtreeHash(tree, start + k, end));
      end = start + k;
    } else {
      proof.unshift(subtreeHash(tree, start, start + k));
      start += k;
    }
  }
  return proof;
}
