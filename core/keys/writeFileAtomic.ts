import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `data` to `filePath` so that a reader sees either the old file or the whole new
 * one, never a torn write: the data goes to a temporary file in the same directory (created
 * exclusively with `mode`, so a private key is never readable by others, not even briefly),
 * is flushed to disk, and is renamed over the target. The directory is flushed too so the
 * rename survives a crash.
 */
export function writeFileAtomicSync(filePath: string, data: string, mode: number): void {
  const directory = path.dirname(filePath);
  const temporary = path.join(directory, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temporary, 'wx', mode);
  try {
    try {
      fs.writeFileSync(fd, data, 'utf8');
      // The process umask may have narrowed `mode` further; chmod makes it exact.
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, filePath);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(directory);
}

function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(directory, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself has still happened.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
