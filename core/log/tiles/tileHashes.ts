import { WritError } from '../../errors/writError';
import { HASH_SIZE, perfectSubtreeRoot } from '../merkle/hashes';
import type { TreeHashes } from '../merkle/treeHashes';
import { TILE_HEIGHT, TILE_WIDTH, tilePath, tileWidthAt } from './tilePath';
import type { TileStorage } from './tileStorage';

/** A tile's coordinates: its level and its index within the level. */
export interface TileCoordinates {
  readonly level: number;
  readonly index: number;
}

/** The tile that holds the hashes a node of the binary tree is computed from. */
function tileOfNode(level: number, index: number): { tile: TileCoordinates; offset: number; count: number } {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const count = 2 ** (level % TILE_HEIGHT);
  const first = index * count;
  const tileIndex = Math.floor(first / TILE_WIDTH);
  return { tile: { level: tileLevel, index: tileIndex }, offset: first - tileIndex * TILE_WIDTH, count };
}

const key = (tile: TileCoordinates) => `${tile.level}/${tile.index}`;

/**
 * A tree's hashes served from its tiles (c2sp.org/tlog-tiles, "Merkle Tree"): a node at
 * binary level h is in the tile at level floor(h / 8), computed from 2^(h mod 8) of that
 * tile's hashes. Holds the tiles it was given (each as wide as the tree size makes it);
 * asking for a node of any other tile is LOG_CORRUPT, since `loadTileHashes` loads every
 * tile a computation needs.
 */
export class TileHashes implements TreeHashes {
  readonly size: number;
  readonly #tiles: Map<string, Buffer>;
  readonly #computed = new Map<string, Buffer>();

  /** `tiles` maps `level/index` to the tile's hashes at this size. */
  constructor(size: number, tiles: ReadonlyMap<string, Buffer>) {
    this.size = size;
    this.#tiles = new Map(tiles);
  }

  node(level: number, index: number): Buffer {
    const { tile, offset, count } = tileOfNode(level, index);
    const hashes = this.#tiles.get(key(tile));
    if (hashes === undefined || (offset + count) * HASH_SIZE > hashes.length) {
      throw new WritError('LOG_CORRUPT', `tile ${key(tile)} was not loaded, or is short, for node ${level}/${index} of a tree of ${this.size}`);
    }
    if (count === 1) return hashes.subarray(offset * HASH_SIZE, (offset + 1) * HASH_SIZE);
    const memo = `${level}/${index}`;
    let root = this.#computed.get(memo);
    if (root === undefined) {
      const leaves = Array.from({ length: count }, (_, i) => hashes.subarray((offset + i) * HASH_SIZE, (offset + i + 1) * HASH_SIZE));
      root = perfectSubtreeRoot(leaves);
      this.#computed.set(memo, root);
    }
    return root;
  }
}

/** The tiles a computation over a tree of `size` leaves reads, found by running it on zero hashes. */
export function tilesNeeded(size: number, compute: (tree: TreeHashes) => unknown): TileCoordinates[] {
  const needed = new Map<string, TileCoordinates>();
  const zero = Buffer.alloc(HASH_SIZE);
  // The proof and root algorithms visit nodes by index and size alone, never by value, so
  // a dry run on zeros visits exactly the nodes the real run will.
  compute({
    size,
    node(level, index) {
      const { tile } = tileOfNode(level, index);
      needed.set(key(tile), tile);
      return zero;
    },
  });
  return [...needed.values()];
}

/**
 * Reads a tile as wide as it is at tree size `size`: the full tile when it is full, else
 * the partial tile `.p/<width>`, and failing that the full tile's prefix (tlog-tiles lets a
 * log delete a partial tile once the full one exists). LOG_CORRUPT when neither is there
 * or a file has the wrong length.
 */
export async function readTileAt(storage: TileStorage, size: number, tile: TileCoordinates): Promise<Buffer> {
  const width = tileWidthAt(size, tile.level, tile.index);
  if (width === 0) throw new WritError('LOG_CORRUPT', `tile ${key(tile)} is empty at tree size ${size}`);
  const full = tilePath(tile.level, tile.index);
  const partial = width < TILE_WIDTH ? tilePath(tile.level, tile.index, width) : undefined;
  const fromPartial = partial === undefined ? undefined : await storage.read(partial);
  if (fromPartial !== undefined) {
    if (fromPartial.length !== width * HASH_SIZE) throw new WritError('LOG_CORRUPT', `${partial} holds ${fromPartial.length} bytes, expected ${width * HASH_SIZE}`);
    return fromPartial;
  }
  const fromFull = await storage.read(full);
  if (fromFull === undefined) throw new WritError('LOG_CORRUPT', `${partial ?? full} is missing: the log cannot serve tree size ${size}`);
  if (fromFull.length !== TILE_WIDTH * HASH_SIZE) throw new WritError('LOG_CORRUPT', `${full} holds ${fromFull.length} bytes, expected ${TILE_WIDTH * HASH_SIZE}`);
  return fromFull.subarray(0, width * HASH_SIZE);
}

/** A TileHashes holding every tile `compute` needs over a tree of `size`, read from `storage`. */
export async function loadTileHashes(storage: TileStorage, size: number, compute: (tree: TreeHashes) => unknown): Promise<TileHashes> {
  const tiles = new Map<string, Buffer>();
  await Promise.all(
    tilesNeeded(size, compute).map(async (tile) => {
      tiles.set(key(tile), await readTileAt(storage, size, tile));
    }),
  );
  return new TileHashes(size, tiles);
}

/** Runs a root or proof computation over a tree of `size` leaves on the tiles in `storage`. */
export async function computeOverTiles<T>(storage: TileStorage, size: number, compute: (tree: TreeHashes) => T): Promise<T> {
  return compute(await loadTileHashes(storage, size, compute));
}

/** The key TileHashes files a tile under. */
export function tileKey(tile: TileCoordinates): string {
  return key(tile);
}
