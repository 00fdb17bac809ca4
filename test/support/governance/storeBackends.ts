import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { GovernanceStore, GovernanceStoreBackend } from '../../../core/governance/governanceStore';
import { GovernanceStoreConfigSchema, type GovernanceStoreConfig } from '../../../core/governance/governanceStoreConfig';
import { openGovernanceStore } from '../../../core/governance/openGovernanceStore';
import { POSTGRES_GOVERNANCE_MIGRATIONS } from '../../../core/governance/postgresMigrations';
import { SQLITE_GOVERNANCE_SCHEMA } from '../../../core/governance/sqliteGovernanceStore';
import { DatabaseSync } from '../../../core/storage/openDatabase';
import { startPostgresServer, type PostgresServer } from '../../../tools/postgres/postgresServer';

// The backends the governance store contract suite runs against, each as the places one
// case's store can live.

/** Where one case's store lives: open it as often as the case needs, or reach under it. */
export interface StoreLocation {
  readonly config: GovernanceStoreConfig;
  readonly dataDir: string;
  /** Opens another store on the same file or database, through the configured path. */
  open(): Promise<GovernanceStore>;
  /** Runs SQL on the store's database directly, as an operator with sqlite3 or psql would. */
  sql(statements: string): Promise<void>;
  /** The schema version the store's database records. */
  version(): Promise<number>;
}

/** A backend the contract runs against: set up once per suite, a fresh location per case. */
export interface StoreBackend {
  readonly name: GovernanceStoreBackend;
  /** The schema version this code migrates to. */
  readonly schemaVersion: number;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  fresh(): Promise<StoreLocation>;
}

/** SQLite: a file per case in a temporary directory of the suite's own. */
export function sqliteBackend(): StoreBackend {
  let dir: string;
  let cases = 0;
  return {
    name: 'sqlite',
    schemaVersion: SQLITE_GOVERNANCE_SCHEMA.migrations.length,
    async setUp() {
      dir = mkdtempSync(join(tmpdir(), 'writ-governance-contract-'));
    },
    async tearDown() {
      rmSync(dir, { recursive: true, force: true });
    },
    async fresh() {
      const file = join(dir, `case-${++cases}.sqlite`);
      const withDb = <T>(use: (db: InstanceType<typeof DatabaseSync>) => T): T => {
        const db = new DatabaseSync(file);
        try {
          return use(db);
        } finally {
          db.close();
        }
      };
      const config = GovernanceStoreConfigSchema.parse({ kind: 'sqlite', file });
      return {
        config,
        dataDir: dir,
        open: () => openGovernanceStore(config, { dataDir: dir }),
        sql: async (statements) => withDb((db) => db.exec(statements)),
        version: async () => withDb((db) => Number((db.prepare('SELECT version FROM writ_store').get() as { version: number }).version)),
      };
    },
  };
}

/** PostgreSQL: a server of the suite's own (the test harness), a fresh database per case. */
export function postgresBackend(): StoreBackend {
  let server: PostgresServer;
  let cases = 0;
  const withClient = async <T>(url: string, use: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    schemaVersion: POSTGRES_GOVERNANCE_MIGRATIONS.length,
    async setUp() {
      const started = Date.now();
      server = await startPostgresServer();
      process.stdout.write(`writ: PostgreSQL test cluster on port ${server.port} in ${Date.now() - started} ms\n`);
    },
    async tearDown() {
      await server?.destroy();
    },
    async fresh() {
      const url = await server.createDatabase(`contract_${++cases}`);
      const config = GovernanceStoreConfigSchema.parse({ kind: 'postgres', url, poolSize: 4, queryTimeoutMs: 2_000 });
      return {
        config,
        dataDir: server.root,
        open: () => openGovernanceStore(config, { dataDir: server.root }),
        sql: (statements) => withClient(url, async (client) => void (await client.query(statements))),
        version: () => withClient(url, async (client) => Number((await client.query('SELECT version FROM writ_store')).rows[0].version)),
      };
    },
  };
}
