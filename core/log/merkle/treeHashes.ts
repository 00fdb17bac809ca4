import { EMPTY_ROOT, nodeHash } from './hashes';
import { isPowerOfTwo, largestPowerOfTwoBelow } from './treeSize';

/**
 * Where the hashes of a tree come from: the root of any perfect, aligned subtree of a tree
 * of `size` leaves. Level 0 holds the leaf hashes; the node at `level`, `index` covers
 * leaves [index * 2^level, (index + 1) * 2^level), all of them below `size`. The tile
 * store answers from its tiles, a test from a list of leaf hashes.
 */
export interface TreeHashes {
  /** How many leaves the tree has. */
  readonly size: number;
  /** The hash of the perfect subtree at `level` and `index`, inside the tree. */
  node(level: number, index: number): Buffer;
}

/**
 * The Merkle Tree Hash of leaves [start, end) (RFC 9162, section 2.1.1: MTH(D[start:end])),
 * for the ranges the RFC's recursions visit: every one starts at a multiple of the largest
 * power of two below its length, so its left part is always a perfect subtree the source
 * holds and only the right part recurses.
 */
export function subtreeHash(tree: TreeHashes, start: number, end: number): Buffer {
  const n = end - start;
  if (isPowerOfTwo(n) && start % n === 0) return tree.node(Math.log2(n), start / n);
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(subtreeHash(tree, start, start + k), subtreeHash(tree, start + k, end));
}

/** The root hash of the tree's first `size` leaves (the empty root for 0). */
export function treeRoot(tree: TreeHashes, size: number = tree.size): Buffer {
  return size === 0 ? Buffer.from(EMPTY_ROOT) : subtreeHash(tree, 0, size);
}
