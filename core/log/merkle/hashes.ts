import { hash } from 'node:crypto';

/** The size of every hash in the log: SHA-256, as RFC 9162 and C2SP tlog-tiles fix it. */
export const HASH_SIZE = 32;

/** The root of the empty tree: SHA-256 of the empty string (RFC 9162, section 2.1.1). */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/**
 * The leaf hash of an entry, SHA-256(0x00 || entry) (RFC 9162, section 2.1.1). The prefix
 * byte keeps a leaf from ever hashing like an inner node, so no one can present two
 * children as an entry.
 */
export function leafHash(entry: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + entry.length);
  input[0] = LEAF_PREFIX;
  input.set(entry, 1);
  return hash('sha256', input, 'buffer');
}

/** The hash of an inner node, SHA-256(0x01 || left || right) (RFC 9162, section 2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + HASH_SIZE + HASH_SIZE);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + HASH_SIZE);
  return hash('sha256', input, 'buffer');
}

/**
 * The root of a perfect subtree whose leaves (or lower subtree roots) are `hashes`, which
 * must be a power of two in count: the Merkle Tree Hash of a tile's 256 hashes, or of any
 * aligned run of them.
 */
export function perfectSubtreeRoot(hashes: readonly Uint8Array[]): Buffer {
  let level: Uint8Array[] = [...hashes];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    level = next;
  }
  return Buffer.from(level[0]!);
}
