import { spawnSync } from 'node:child_process';

/** PostgreSQL refuses to run as root; a root test run runs it as this system user. */
export const POSTGRES_SYSTEM_USER = 'postgres';

/** Who runs the server: this process, or the postgres system user when this process is root. */
export interface ServerOwner {
  /** undefined: this process's own user. */
  readonly runAs: { readonly name: string; readonly uid: number; readonly gid: number } | undefined;
}

/**
 * Who runs this process's test clusters: the process's own user, or, when it is root, the
 * postgres system user (by `runuser`). Throws, saying how to create it, when that user is missing.
 */
export function serverOwner(): ServerOwner {
  if (process.getuid?.() !== 0) return { runAs: undefined };
  const id = (flag: '-u' | '-g'): number => {
    const result = spawnSync('id', [flag, POSTGRES_SYSTEM_USER], { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(
        `the tests run as root and PostgreSQL refuses to, so it runs as the ${POSTGRES_SYSTEM_USER} system user, which does not exist: ` +
          `run scripts/setup.sh as root (it creates it), or \`useradd --system ${POSTGRES_SYSTEM_USER}\``,
      );
    }
    return Number(result.stdout.trim());
  };
  return { runAs: { name: POSTGRES_SYSTEM_USER, uid: id('-u'), gid: id('-g') } };
}

/** The command line that runs `binary` as the server's owner. */
export function asOwner(owner: ServerOwner, binary: string, args: readonly string[]): [string, string[]] {
  return owner.runAs === undefined ? [binary, [...args]] : ['runuser', ['-u', owner.runAs.name, '--', binary, ...args]];
}
