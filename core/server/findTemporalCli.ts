import fs from 'node:fs';
import path from 'node:path';
import { WritError } from '../errors/writError';

/** Environment variable that names the Temporal CLI binary explicitly. */
export const TEMPORAL_CLI_ENV = 'WRIT_TEMPORAL_CLI';

/** Where `scripts/setup.sh` installs the pinned Temporal CLI, relative to the project root. */
export const PINNED_TEMPORAL_CLI_PATH = path.join('.tools', 'bin', 'temporal');

/** Where to look for the Temporal CLI; every field is optional. */
export interface FindTemporalCliOptions {
  /** A path from configuration or the command line; wins over everything else. */
  readonly configured?: string;
  /** The project root holding `.tools/bin/temporal`; defaults to the root of this package. */
  readonly projectRoot?: string;
}

const HOW_TO_FIX =
  'Run `bash scripts/setup.sh` from the project root (it installs the pinned CLI into .tools/bin), ' +
  `or set ${TEMPORAL_CLI_ENV} to the path of a temporal binary, or put \`temporal\` on PATH.`;

/**
 * Resolves the Temporal CLI binary that runs the embedded dev server. The order is: the
 * explicitly configured path, the `WRIT_TEMPORAL_CLI` environment variable, the pinned
 * install that `scripts/setup.sh` makes under `<projectRoot>/.tools/bin/temporal`, then
 * `temporal` on PATH. An explicit choice (configured path or environment variable) that is
 * not an executable file is an error rather than a reason to fall through, so a typo never
 * silently runs some other binary. Throws `TEMPORAL_CLI_NOT_FOUND` saying what to do.
 */
export function findTemporalCli(options: FindTemporalCliOptions = {}): string {
  if (options.configured !== undefined) {
    return requireExecutable(path.resolve(options.configured), 'the configured Temporal CLI path');
  }
  const fromEnv = process.env[TEMPORAL_CLI_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    return requireExecutable(path.resolve(fromEnv), `${TEMPORAL_CLI_ENV}`);
  }
  const pinned = path.join(options.projectRoot ?? defaultProjectRoot(), PINNED_TEMPORAL_CLI_PATH);
  if (isExecutableFile(pinned)) {
    return pinned;
  }
  const onPath = searchPath('temporal');
  if (onPath !== undefined) {
    return onPath;
  }
  throw new WritError(
    'TEMPORAL_CLI_NOT_FOUND',
    `The Temporal CLI was not found (looked at ${TEMPORAL_CLI_ENV}, ${pinned} and PATH). ${HOW_TO_FIX}`,
  );
}

function requireExecutable(candidate: string, source: string): string {
  if (!isExecutableFile(candidate)) {
    throw new WritError(
      'TEMPORAL_CLI_NOT_FOUND',
      `The Temporal CLI named by ${source} (${candidate}) is not an executable file. ${HOW_TO_FIX}`,
    );
  }
  return candidate;
}

function isExecutableFile(candidate: string): boolean {
  try {
    if (!fs.statSync(candidate).isFile()) {
      return false;
    }
    fs.accessSync(candidate, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function searchPath(name: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const candidate = path.resolve(dir, name);
    if (isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * The nearest directory above this module that holds node_modules: the project root both
 * when running from source (server/) and from the build (dist/server/, where a copied
 * package.json could otherwise be mistaken for the root), so the pinned CLI is found
 * whatever the caller's working directory is.
 */
function defaultProjectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'node_modules'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return process.cwd();
    }
    dir = parent;
  }
}
