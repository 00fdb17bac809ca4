import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WritError } from '../../core/errors/writError';

/** Overrides where initdb, pg_ctl and postgres are looked up. */
export const POSTGRES_BIN_ENV = 'WRIT_POSTGRES_BIN';

/** The server binaries a test cluster needs. */
export const POSTGRES_TOOLS = ['initdb', 'pg_ctl', 'postgres'] as const;
export type PostgresTool = (typeof POSTGRES_TOOLS)[number];

/**
 * The directory holding PostgreSQL's server binaries: WRIT_POSTGRES_BIN, else the newest
 * `/usr/lib/postgresql/<major>/bin` (Debian's layout), else the directory of `initdb` on
 * PATH. Throws, saying what to install, when none holds all of initdb, pg_ctl and postgres.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[POSTGRES_BIN_ENV];
  const candidates: string[] = [];
  if (configured !== undefined && configured !== '') {
    candidates.push(configured);
  } else {
    const debian = '/usr/lib/postgresql';
    const majors = fs.existsSync(debian) ? fs.readdirSync(debian).filter((name) => /^\d+(\.\d+)?$/.test(name)) : [];
    majors.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    candidates.push(...majors.map((major) => path.join(debian, major, 'bin')));
    for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
      if (dir !== '' && isExecutable(path.join(dir, 'initdb'))) candidates.push(dir);
    }
  }
  const found = candidates.find((dir) => POSTGRES_TOOLS.every((tool) => isExecutable(path.join(dir, tool))));
  if (found !== undefined) return found;
  throw new Error(
    configured !== undefined && configured !== ''
      ? `${POSTGRES_BIN_ENV}=${configured} does not hold ${POSTGRES_TOOLS.join(', ')}: point it at a PostgreSQL server's bin directory`
      : `no PostgreSQL server (${POSTGRES_TOOLS.join(', ')}) under /usr/lib/postgresql/<major>/bin or on PATH: run scripts/setup.sh as root ` +
          `(it installs Debian's postgresql package), or set ${POSTGRES_BIN_ENV} to a PostgreSQL server's bin directory`,
  );
}

/**
 * findPostgresBin for a tool asked to run against PostgreSQL (the bench, the soak): where no
 * server can be found, CONFIG_INVALID saying what to install and, in `withoutIt`, how to
 * run the tool without PostgreSQL. The tool stops before measuring anything rather than
 * quietly leaving the PostgreSQL figures out.
 */
export function requirePostgresBin(withoutIt: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return findPostgresBin(env);
  } catch (error) {
    throw new WritError('CONFIG_INVALID', `${(error as Error).message}; or ${withoutIt}`, { cause: error });
  }
}

/**
 * The version of the server in `binDir`, as `postgres --version` gives it without the
 * program's name (`15.18 (Debian 15.18-0+deb12u1)`); `unknown` when it does not answer.
 */
export function postgresVersion(binDir: string): string {
  try {
    return execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8', timeout: 10_000 })
      .trim()
      .replace(/^postgres \(PostgreSQL\)\s*/, '');
  } catch {
    return 'unknown';
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
