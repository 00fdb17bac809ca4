import { leafHash, perfectSubtreeRoot } from '../merkle/hashes';
import { treeRoot } from '../merkle/treeHashes';
import { encodeEntryBundle } from './entryBundle';
import { entryBundlePath, levelWidth, TILE_WIDTH, tilePath } from './tilePath';
import { TileHashes, tileKey } from './tileHashes';

/**
 * The right edge of a tiled log at some size: at each level, the hashes of its rightmost,
 * partial tile (empty when the level ends on a full tile), and the entries of the partial
 * entry bundle. It is all an append needs: the new tiles extend these, and the root of
 * the tree is computed from them alone, since every subtree in the binary decomposition of
 * the size lies in the rightmost tile of its level.
 */
export interface LogEdge {
  readonly size: number;
  /** `tiles[level]`: the partial tile's hashes at that level, fewer than 256. */
  readonly tiles: readonly (readonly Buffer[])[];
  /** The entries of the partial bundle, fewer than 256. */
  readonly bundle: readonly Buffer[];
}

/** A file an append writes. */
export interface TileFile {
  /** Its tlog-tiles path. */
  readonly path: string;
  readonly data: Buffer;
}

/** The edge of the empty log. */
export const EMPTY_EDGE: LogEdge = { size: 0, tiles: [], bundle: [] };

/**
 * Appends `entries` to the log whose edge is `edge`: the hash tiles and entry bundles to
 * write (full ones that complete a tile, and the new partial ones), and the new edge.
 * Nothing is written over: a partial tile gets a new path for each width, and a full tile
 * is written once, when it fills. Pure: the caller makes the files durable before it
 * publishes a checkpoint of the new size.
 */
export function appendToEdge(edge: LogEdge, entries: readonly Uint8Array[]): { edge: LogEdge; files: TileFile[] } {
  const files: TileFile[] = [];
  const size = edge.size + entries.length;

  let bundle = [...edge.bundle];
  let bundleIndex = Math.floor(edge.size / TILE_WIDTH);
  for (const entry of entries) {
    bundle.push(Buffer.from(entry));
    if (bundle.length === TILE_WIDTH) {
      files.push({ path: entryBundlePath(bundleIndex), data: encodeEntryBundle(bundle) });
      bundle = [];
      bundleIndex += 1;
    }
  }
  if (bundle.length > 0 && entries.length > 0) files.push({ path: entryBundlePath(bundleIndex, bundle.length), data: encodeEntryBundle(bundle) });

  const tiles: Buffer[][] = edge.tiles.map((hashes) => [...hashes]);
  let added: Buffer[] = entries.map((entry) => leafHash(entry));
  for (let level = 0; added.length > 0; level += 1) {
    let tile = tiles[level] ?? [];
    let index = Math.floor(levelWidth(edge.size, level) / TILE_WIDTH);
    const completed: Buffer[] = [];
    for (const hash of added) {
      tile.push(hash);
      if (tile.length === TILE_WIDTH) {
        files.push({ path: tilePath(level, index), data: Buffer.concat(tile) });
        // A full tile's root is one hash of the level above.
        completed.push(perfectSubtreeRoot(tile));
        tile = [];
        index += 1;
      }
    }
    if (tile.length > 0) files.push({ path: tilePath(level, index, tile.length), data: Buffer.concat(tile) });
    tiles[level] = tile;
    added = completed;
  }
  return { edge: { size, tiles, bundle }, files };
}

/** The root hash of the tree the edge ends. */
export function edgeRoot(edge: LogEdge): Buffer {
  const partials = new Map<string, Buffer>();
  edge.tiles.forEach((hashes, level) => {
    if (hashes.length > 0) partials.set(tileKey({ level, index: Math.floor(levelWidth(edge.size, level) / TILE_WIDTH) }), Buffer.concat(hashes));
  });
  return treeRoot(new TileHashes(edge.size, partials));
}
