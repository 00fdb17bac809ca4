import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { GOVERNANCE_SQLITE_FILE } from '../../core/governance/openGovernanceStore';
import type { GovernanceStoreBackend } from '../../core/governance/governanceStore';
import { DatabaseSync, sqliteVersion } from '../../core/storage/openDatabase';
import { postgresVersion, requirePostgresBin } from '../postgres/findPostgresBin';
import { startPostgresServer } from '../postgres/postgresServer';

/** The variable that points a worker at a PostgreSQL governance store (see Configuration). */
const STORE_URL_ENV = 'WRIT_GOVERNANCE_STORE_URL';

/** The governance store the soak's worker processes share, as the report names it. */
export interface SoakStoreReport {
  readonly backend: GovernanceStoreBackend;
  /** The SQLite library's version, or the PostgreSQL server's. */
  readonly version: string;
  /**
   * Executions the workers counted in the store (the sum of every artifact's count): at
   * least one per completed transfer, so a store the workers did not use shows 0.
   */
  readonly executionsCounted: number;
}

/** The store the workers share, and how they are pointed at it. */
export interface SoakStore {
  readonly backend: GovernanceStoreBackend;
  /** Added to each worker's environment. */
  readonly workerEnv: Readonly<Record<string, string>>;
  /** Reads what the workers left in the store, once they have stopped. */
  report(): Promise<SoakStoreReport>;
  /** Stops the PostgreSQL server, if one was started, and removes it. */
  close(): Promise<void>;
}

/** Which store the workers share: the SQLite file, or a PostgreSQL started from the server binaries in `binDir`. */
export type SoakStoreChoice = { readonly backend: 'sqlite' } | { readonly backend: 'postgres'; readonly binDir: string };

/**
 * Where the soak's PostgreSQL comes from, found before anything starts: `postgres` and no
 * server installed is CONFIG_INVALID, naming `--store sqlite`.
 */
export function chooseSoakStore(backend: GovernanceStoreBackend): SoakStoreChoice {
  return backend === 'sqlite' ? { backend } : { backend, binDir: requirePostgresBin('pass --store sqlite') };
}

/**
 * Sets up the governance store the workers share. SQLite is their default, the file
 * `<dataDir>/governance.sqlite` they all open; an inherited WRIT_GOVERNANCE_STORE_URL is
 * blanked so a shell pointed at some database cannot redirect them. PostgreSQL is a
 * throw-away, durable cluster started here, whose URL the workers are given in
 * WRIT_GOVERNANCE_STORE_URL, as a deployment points its workers at one.
 */
export async function openSoakStore(choice: SoakStoreChoice, dataDir: string): Promise<SoakStore> {
  if (choice.backend === 'sqlite') {
    const file = path.join(dataDir, GOVERNANCE_SQLITE_FILE);
    const backend = 'sqlite';
    return {
      backend,
      workerEnv: { [STORE_URL_ENV]: '' },
      report: async () => ({ backend, version: sqliteVersion(), executionsCounted: sqliteExecutions(file) }),
      close: async () => undefined,
    };
  }
  const { backend, binDir } = choice;
  const server = await startPostgresServer({ binDir, durable: true });
  try {
    const url = await server.createDatabase('writ_soak');
    return {
      backend,
      workerEnv: { [STORE_URL_ENV]: url },
      report: async () => ({ backend, version: postgresVersion(binDir), executionsCounted: await postgresExecutions(url) }),
      close: () => server.destroy(),
    };
  } catch (error) {
    await server.destroy();
    throw error;
  }
}

/** Sums the execution counts in a SQLite governance store; 0 when the file or its table does not exist. */
function sqliteExecutions(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'artifact_executions'").get();
    if (table === undefined) return 0;
    return Number((db.prepare('SELECT coalesce(sum(executions), 0) AS n FROM artifact_executions').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

/** Sums the execution counts in a PostgreSQL governance store; 0 when its table does not exist. */
async function postgresExecutions(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass('artifact_executions') IS NOT NULL AS present");
    if (rows[0]?.present !== true) return 0;
    const summed = await client.query<{ n: string }>('SELECT coalesce(sum(executions), 0)::text AS n FROM artifact_executions');
    return Number(summed.rows[0]!.n);
  } finally {
    await client.end();
  }
}
