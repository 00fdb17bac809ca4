import { WritError } from '../../errors/writError';
import type { Checkpoint } from '../checkpoint/checkpoint';
import { HASH_SIZE, leafHash } from '../merkle/hashes';
import { decodeEntryBundle } from '../tiles/entryBundle';
import { edgeRoot, type LogEdge } from '../tiles/logEdge';
import { readTileAt } from '../tiles/tileHashes';
import { entryBundlePath, levelWidth, TILE_WIDTH } from '../tiles/tilePath';
import type { TileStorage } from '../tiles/tileStorage';

/** The entries of bundle `index` as wide as it is at tree size `size`: the partial bundle, or the full one's prefix. */
export async function readBundleAt(storage: TileStorage, size: number, index: number): Promise<Buffer[]> {
  const width = Math.max(0, Math.min(TILE_WIDTH, size - index * TILE_WIDTH));
  if (width === 0) throw new WritError('LOG_ENTRY_NOT_FOUND', `no entry bundle ${index} in a log of ${size}`);
  if (width < TILE_WIDTH) {
    const partial = entryBundlePath(index, width);
    const data = await storage.read(partial);
    if (data !== undefined) return decodeEntryBundle(data, width, partial);
  }
  const full = entryBundlePath(index);
  const data = await storage.read(full);
  if (data === undefined) throw new WritError('LOG_CORRUPT', `the entry bundle for entries ${index * TILE_WIDTH}.. of a log of ${size} is missing`);
  return decodeEntryBundle(data, TILE_WIDTH, full).slice(0, width);
}

/**
 * Reads the right edge of the log at `checkpoint`'s size from its tiles and partial bundle,
 * and checks it against the checkpoint: the bundle's entries hash to the level-0 tile's
 * last hashes, and the edge's root is the checkpoint's root. LOG_CORRUPT otherwise: the
 * directory no longer holds the log its checkpoint signed.
 */
export async function readEdge(storage: TileStorage, checkpoint: Checkpoint): Promise<LogEdge> {
  const { size } = checkpoint;
  const tiles: Buffer[][] = [];
  for (let level = 0; levelWidth(size, level) > 0; level += 1) {
    const width = levelWidth(size, level) % TILE_WIDTH;
    if (width === 0) {
      tiles.push([]);
      continue;
    }
    const data = await readTileAt(storage, size, { level, index: Math.floor(levelWidth(size, level) / TILE_WIDTH) });
    tiles.push(Array.from({ length: width }, (_, i) => Buffer.from(data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))));
  }
  const bundle = size % TILE_WIDTH === 0 ? [] : await readBundleAt(storage, size, Math.floor(size / TILE_WIDTH));
  bundle.forEach((entry, i) => {
    if (!leafHash(entry).equals(tiles[0]![i]!)) throw new WritError('LOG_CORRUPT', `entry ${size - bundle.length + i} does not hash to its leaf in the level-0 tile`);
  });
  const edge: LogEdge = { size, tiles, bundle };
  if (!edgeRoot(edge).equals(checkpoint.root)) throw new WritError('LOG_CORRUPT', `the tiles do not lead to the root of the checkpoint at size ${size}`);
  return edge;
}
