import { leafHash, nodeHash } from '../../../../core/log/merkle/hashes';
import type { TreeHashes } from '../../../../core/log/merkle/treeHashes';

/**
 * A tree held as its leaf hashes, every node computed by the RFC 9162 definition from the
 * leaves: the reference the tile store and the proof generators are compared with.
 */
export class MemoryTree implements TreeHashes {
  readonly leaves: Buffer[] = [];

  static of(entries: readonly Uint8Array[]): MemoryTree {
    const tree = new MemoryTree();
    for (const entry of entries) tree.leaves.push(leafHash(entry));
    return tree;
  }

  get size(): number {
    return this.leaves.length;
  }

  node(level: number, index: number): Buffer {
    const width = 2 ** level;
    if ((index + 1) * width > this.leaves.length) throw new Error(`node ${level}/${index} is outside a tree of ${this.leaves.length}`);
    return referenceHash(this.leaves.slice(index * width, (index + 1) * width));
  }
}

/** MTH(D[n]) exactly as RFC 9162, section 2.1.1 defines it, over leaf hashes. */
export function referenceHash(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceHash(leaves.slice(0, k)), referenceHash(leaves.slice(k)));
}

/** `count` distinct entries. */
export function entries(count: number, prefix = 'entry'): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`${prefix}-${i}`));
}
