import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../../keys/errnoCode';

/** The suffix of the temporary files `writeFilesDurably` writes before renaming them. */
export const TEMPORARY_SUFFIX = '.tmp';

// Temporary names: unique to this process (a random prefix) and call (a counter), without
// asking for random bytes on every file of every append.
const TEMPORARY_PREFIX = randomBytes(6).toString('hex');
let temporaryCount = 0;

/** A file to write: its path under the root, its bytes, and its mode (0644 unless given). */
export interface DurableFile {
  readonly path: string;
  readonly data: Uint8Array;
  readonly mode?: number;
}

/** Files written and flushed under temporary names, not yet visible under their own. */
export interface StagedFiles {
  /** Renames every file into place, in order, then flushes the directories whose entries changed. */
  commit(): Promise<void>;
  /** Removes the temporary files instead. */
  discard(): Promise<void>;
}

/**
 * Writes `files` (paths relative to `root`) to temporary files beside their targets
 * (`.<name>.<random>.tmp`) and flushes them, creating directories as needed; nothing is
 * visible under the files' own names until `commit`. `knownDirectories` (absolute paths
 * known to exist) saves a stat per file on a hot path, and learns the ones created.
 */
export async function stageFiles(root: string, files: readonly DurableFile[], knownDirectories: Set<string> = new Set()): Promise<StagedFiles> {
  const dirty = new Set<string>();
  for (const file of files) {
    const directory = path.dirname(path.join(root, file.path));
    if (!knownDirectories.has(directory)) {
      await makeDirectory(directory, dirty);
      knownDirectories.add(directory);
    }
  }
  const settled = await Promise.allSettled(files.map((file) => stage(root, file)));
  const staged = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const discard = () => Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true }))).then(() => undefined);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    await discard();
    throw failed.reason;
  }
  return {
    discard,
    async commit() {
      for (const { temporary, target } of staged) {
        await rename(temporary, target);
        dirty.add(path.dirname(target));
      }
      await Promise.all([...dirty].map(syncDirectory));
    },
  };
}

/**
 * Makes `files` durable, each whole or not at all: staged (written and flushed under a
 * temporary name), then renamed over its target, then every directory whose entries
 * changed (each new directory's parent included) flushed, so the renames survive a crash
 * too. A reader sees a file complete or not at all; once this resolves, all of them are on
 * disk. A crash before that can leave temporary files, which recovery removes, and some of
 * the renamed files, which the caller must be able to tell from published ones.
 */
export async function writeFilesDurably(root: string, files: readonly DurableFile[], knownDirectories?: Set<string>): Promise<void> {
  await (await stageFiles(root, files, knownDirectories)).commit();
}

/** Writes one file's bytes to a flushed temporary file beside its target. */
async function stage(root: string, file: DurableFile): Promise<{ temporary: string; target: string }> {
  const target = path.join(root, file.path);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${TEMPORARY_PREFIX}${(temporaryCount += 1)}${TEMPORARY_SUFFIX}`);
  const mode = file.mode ?? 0o644;
  const handle = await open(temporary, 'wx', mode);
  try {
    // The umask may have narrowed a mode asked for; a private key's must be exact.
    if (file.mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(file.data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  return { temporary, target };
}

/** Creates `directory` and any missing parents, noting each parent whose entries changed. */
async function makeDirectory(directory: string, dirty: Set<string>): Promise<void> {
  try {
    if ((await stat(directory)).isDirectory()) return;
    throw Object.assign(new Error(`${directory} is not a directory`), { code: 'ENOTDIR' });
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  await makeDirectory(path.dirname(directory), dirty);
  try {
    await mkdir(directory, { mode: 0o755 });
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
  dirty.add(path.dirname(directory));
}

/** Flushes a directory's entries to disk. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on a directory; what they hold is then as durable as they make it.
    if (errnoCode(error) !== 'EINVAL' && errnoCode(error) !== 'ENOTSUP') throw error;
  } finally {
    await handle.close();
  }
}
