import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../../keys/errnoCode';
import { CHECKPOINT_PATH, entryBundlePath, levelWidth, MAX_TILE_LEVEL, TILE_WIDTH, tilePath } from '../tiles/tilePath';
import { TEMPORARY_SUFFIX } from './durableFiles';

/** The most entries one append takes: bounds where an interrupted append can have left files. */
export const MAX_APPEND_ENTRIES = 4096;

/**
 * Removes what an interrupted append left behind in a log directory whose published
 * checkpoint has `size` entries: temporary files, and tiles and bundles beyond that size
 * (a batch that was never acknowledged, so no checkpoint covers it), and partial tiles
 * whose full tile the checkpoint covers (tlog-tiles lets a log delete those). Such files
 * can only be at or right of the edge, within one batch of it, so only those paths are
 * looked at: opening a large log does not walk all its tiles. Returns the paths removed.
 */
export async function removeLeftovers(directory: string, size: number): Promise<string[]> {
  const removed: string[] = [];
  await removeTemporaries(directory, path.dirname(CHECKPOINT_PATH), removed);
  const reach = size + MAX_APPEND_ENTRIES;
  for (let level = 0; level <= MAX_TILE_LEVEL && levelWidth(reach, level) > 0; level += 1) {
    await removeBeyond(directory, size, level, (index, width) => tilePath(level, index, width), removed);
  }
  await removeBeyond(directory, size, 0, (index, width) => entryBundlePath(index, width), removed);
  return removed;
}

async function removeBeyond(directory: string, size: number, level: number, pathOf: (index: number, width?: number) => string, removed: string[]): Promise<void> {
  const published = levelWidth(size, level);
  const first = Math.floor(published / TILE_WIDTH);
  const last = Math.floor(levelWidth(size + MAX_APPEND_ENTRIES, level) / TILE_WIDTH);
  for (let index = Math.max(0, first - 1); index <= last; index += 1) {
    const full = pathOf(index);
    const fullCovered = (index + 1) * TILE_WIDTH <= published;
    await removeTemporaries(directory, path.dirname(full), removed);
    if (!fullCovered) await remove(directory, full, removed);
    const partials = `${full}.p`;
    await removeTemporaries(directory, partials, removed);
    for (const name of await list(path.join(directory, partials))) {
      const width = /^[1-9][0-9]{0,2}$/.test(name) ? Number(name) : undefined;
      if (width === undefined || width >= TILE_WIDTH) continue;
      // Beyond the checkpoint: never acknowledged. Under a covered full tile: superseded.
      if (index * TILE_WIDTH + width > published || fullCovered) await remove(directory, pathOf(index, width), removed);
    }
  }
}

async function removeTemporaries(directory: string, relative: string, removed: string[]): Promise<void> {
  for (const name of await list(path.join(directory, relative))) {
    if (name.startsWith('.') && name.endsWith(TEMPORARY_SUFFIX)) await remove(directory, path.join(relative, name), removed);
  }
}

async function remove(directory: string, relative: string, removed: string[]): Promise<void> {
  try {
    await rm(path.join(directory, relative));
    removed.push(relative);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

async function list(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}
