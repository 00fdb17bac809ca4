import fs from 'node:fs';
import path from 'node:path';

/**
 * The project root: the nearest directory above this module holding package.json and
 * tools/bench/, both from source (tools/bench/) and from the build (dist/tools/bench/), whatever the
 * caller's working directory.
 */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'tools', 'bench', 'policies'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the project root (with tools/bench/policies) above ${__dirname}`);
    dir = parent;
  }
}
