import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The installed package's root (the directory holding its package.json and `starter/`),
 * found above this module both from source and from the build (`dist/tools/cli/`).
 */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'starter'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the writ-governance package root above ${__dirname}`);
  }
}
