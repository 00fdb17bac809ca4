import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isWritError, type WritError } from '../../../core/errors/writError';

/** The repository's example policy set. */
export const EXAMPLE_POLICIES_DIR = path.resolve(__dirname, '../../../examples/policies');

/**
 * Copies of the example policy set in temporary directories, so a test can spoil one
 * without touching the repository. `dispose()` removes every copy made.
 */
export class PolicyCopies {
  private readonly roots: string[] = [];

  /** A fresh copy of `policies/`; returns the directory holding it. */
  copy(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-policies-'));
    this.roots.push(root);
    const dir = path.join(root, 'policies');
    fs.cpSync(EXAMPLE_POLICIES_DIR, dir, { recursive: true });
    return dir;
  }

  /** A path inside a fresh temporary directory that does not exist. */
  missing(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-policies-'));
    this.roots.push(root);
    return path.join(root, 'no-such-dir');
  }

  dispose(): void {
    for (const root of this.roots) fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Replaces `from` with `to` in `dir/file`, failing loudly when `from` is not there. */
export function editFile(dir: string, file: string, from: string, to: string): void {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}; the test no longer edits what it means to`);
  fs.writeFileSync(full, text.replace(from, to));
}

/** Appends `text` to `dir/file` (creating it when absent). */
export function appendFile(dir: string, file: string, text: string): void {
  fs.appendFileSync(path.join(dir, file), `\n${text}\n`);
}

/** The WritError `action` throws; anything else (or nothing) fails the calling test with what happened. */
export function writErrorOf(action: () => unknown): WritError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  if (!isWritError(thrown)) throw new Error(`expected a WritError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  return thrown;
}
