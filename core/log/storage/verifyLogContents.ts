import { WritError } from '../../errors/writError';
import { decodeEvidenceEntry, EVIDENCE_KINDS, type EvidenceKind } from '../entries/evidenceEntry';
import { HASH_SIZE, leafHash, perfectSubtreeRoot } from '../merkle/hashes';
import { treeRoot } from '../merkle/treeHashes';
import { computeOverTiles, readTileAt } from '../tiles/tileHashes';
import { levelWidth, TILE_WIDTH } from '../tiles/tilePath';
import type { LogReader, PublishedCheckpoint } from './logReader';
import { readBundleAt } from './readEdge';

/** What a whole-log verification went through. */
export interface LogContentsReport {
  readonly size: number;
  /** Entries of each kind. */
  readonly kinds: Readonly<Record<EvidenceKind, number>>;
  /** Hash tiles read, partial ones included. */
  readonly tiles: number;
}

const hashesOf = (tile: Buffer): Buffer[] => Array.from({ length: tile.length / HASH_SIZE }, (_, i) => tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));

/**
 * Verifies every file of the log against a verified checkpoint, as a monitor would:
 * `checkEntries` (each bundle's entries are Writ evidence entries, LOG_ENTRY_INVALID, and
 * hash to their level-0 tile, LOG_CORRUPT), `checkTiles` (each full tile's root is its hash
 * in the tile above), `checkRoot` (the tiles lead to the checkpoint's root). So a deleted
 * or altered entry, a rewritten tile or a checkpoint of another history is found, naming
 * where. Reads the log once, a tile at a time.
 */
export async function verifyLogContents(reader: LogReader, checkpoint: PublishedCheckpoint): Promise<LogContentsReport> {
  const { size } = checkpoint.verified.checkpoint;
  const kinds = await checkEntries(reader, size);
  const tiles = await checkTiles(reader, size);
  await checkRoot(reader, checkpoint);
  return { size, kinds, tiles };
}

async function checkEntries(reader: LogReader, size: number): Promise<Record<EvidenceKind, number>> {
  const kinds = Object.fromEntries(EVIDENCE_KINDS.map((kind) => [kind, 0])) as Record<EvidenceKind, number>;
  for (let index = 0; index * TILE_WIDTH < size; index += 1) {
    const entries = await readBundleAt(reader.storage, size, index);
    const leaves = hashesOf(await readTileAt(reader.storage, size, { level: 0, index }));
    entries.forEach((entry, i) => {
      const at = index * TILE_WIDTH + i;
      let kind: EvidenceKind;
      try {
        kind = decodeEvidenceEntry(entry).kind;
      } catch (error) {
        throw new WritError('LOG_ENTRY_INVALID', `entry ${at}: ${(error as Error).message}`, { cause: error });
      }
      if (!leafHash(entry).equals(leaves[i]!)) throw new WritError('LOG_CORRUPT', `entry ${at} does not hash to its leaf in tile/0`);
      kinds[kind] += 1;
    });
  }
  return kinds;
}

async function checkTiles(reader: LogReader, size: number): Promise<number> {
  let read = 0;
  for (let level = 0; levelWidth(size, level) > 0; level += 1) {
    const width = levelWidth(size, level);
    let above: { index: number; hashes: Buffer[] } | undefined;
    for (let index = 0; index * TILE_WIDTH < width; index += 1) {
      const tile = await readTileAt(reader.storage, size, { level, index });
      read += 1;
      if (tile.length < TILE_WIDTH * HASH_SIZE) continue;
      const upper = Math.floor(index / TILE_WIDTH);
      if (above?.index !== upper) above = { index: upper, hashes: hashesOf(await readTileAt(reader.storage, size, { level: level + 1, index: upper })) };
      if (!perfectSubtreeRoot(hashesOf(tile)).equals(above.hashes[index % TILE_WIDTH]!)) {
        throw new WritError('LOG_CORRUPT', `tile ${level}/${index} does not hash to its entry in tile ${level + 1}/${upper}`);
      }
    }
  }
  return read;
}

async function checkRoot(reader: LogReader, checkpoint: PublishedCheckpoint): Promise<void> {
  const { size, root } = checkpoint.verified.checkpoint;
  if (!(await computeOverTiles(reader.storage, size, (tree) => treeRoot(tree, size))).equals(root)) {
    throw new WritError('LOG_CORRUPT', `the tiles do not lead to the root of the checkpoint at size ${size}`);
  }
}
