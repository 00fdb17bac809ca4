import { WritError } from '../../errors/writError';

// Paths of c2sp.org/tlog-tiles ("Merkle Tree", "Log entries"), relative to the log's
// prefix: tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>].

/** Hashes in a full tile: a subtree of height 8. */
export const TILE_WIDTH = 256;
/** The height of the subtree a tile holds. */
export const TILE_HEIGHT = 8;
/** The highest tile level the spec allows. */
export const MAX_TILE_LEVEL = 63;
/** Where the checkpoint is served. */
export const CHECKPOINT_PATH = 'checkpoint';

/**
 * A tile index as zero-padded 3-digit path elements, all but the last prefixed with `x`:
 * 1234067 is `x001/x234/067`, 5 is `005`.
 */
export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new WritError('LOG_CORRUPT', `no tile ${index}`);
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

/** The index a tile path's `<N>` part encodes, or undefined when it is not one. */
export function decodeTileIndex(encoded: string): number | undefined {
  const groups = encoded.split('/');
  if (!groups.every((group, i) => (i < groups.length - 1 ? /^x[0-9]{3}$/ : /^[0-9]{3}$/).test(group))) return undefined;
  // A leading x000 would give one index two paths.
  if (groups.length > 1 && groups[0] === 'x000') return undefined;
  return groups.reduce((index, group) => index * 1000 + Number(group.replace('x', '')), 0);
}

function widthSuffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new WritError('LOG_CORRUPT', `no tile of width ${width}`);
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** The path of the hash tile at `level`, `index`, holding `width` hashes (256: the full tile). */
export function tilePath(level: number, index: number, width: number = TILE_WIDTH): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new WritError('LOG_CORRUPT', `no tile level ${level}`);
  return `tile/${level}/${encodeTileIndex(index)}${widthSuffix(width)}`;
}

/** The path of the entry bundle `index`, holding `width` entries (256: the full bundle). */
export function entryBundlePath(index: number, width: number = TILE_WIDTH): string {
  return `tile/entries/${encodeTileIndex(index)}${widthSuffix(width)}`;
}

/** What a path under `tile/` names. */
export interface TileName {
  /** A hash tile's level, or `entries` for an entry bundle. */
  readonly level: number | 'entries';
  readonly index: number;
  /** 256 for a full tile. */
  readonly width: number;
}

/** Reads a path as tilePath or entryBundlePath write it; undefined for anything else. */
export function parseTilePath(path: string): TileName | undefined {
  const match = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (match === null) return undefined;
  const level = match[1] === 'entries' ? 'entries' : Number(match[1]);
  const index = decodeTileIndex(match[2]!);
  const width = match[3] === undefined ? TILE_WIDTH : Number(match[3]);
  if (index === undefined || (level !== 'entries' && level > MAX_TILE_LEVEL) || (match[3] !== undefined && width >= TILE_WIDTH)) return undefined;
  return { level, index, width };
}

/** How many hashes level `level` holds in a tree of `size` leaves: floor(size / 256^level). */
export function levelWidth(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** How many hashes tile `index` of `level` holds at tree size `size` (0: none yet). */
export function tileWidthAt(size: number, level: number, index: number): number {
  return Math.max(0, Math.min(TILE_WIDTH, levelWidth(size, level) - index * TILE_WIDTH));
}
