import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * A file-name-safe slug of a note title: lowercase ASCII letters, digits and dashes, at
 * most 64 characters, never empty. Separators and dots cannot survive, so no title can
 * name a path outside the notes folder.
 */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '');
  return slug === '' ? 'note' : slug;
}

/** Where a note with this slug lives, relative to the workspace directory. */
export function noteFile(slug: string): string {
  return `notes/${slug}.md`;
}

/**
 * Writes `content` to `path` through a temporary file that is fsynced and renamed into
 * place, so a reader, or a process killed mid-write, never leaves half a note behind.
 */
export function writeFileDurably(path: string, content: Buffer): void {
  const temporary = `${path}.${randomUUID()}.tmp`;
  const fd = openSync(temporary, 'wx');
  try {
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
