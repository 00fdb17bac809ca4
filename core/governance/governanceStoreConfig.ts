import { z } from 'zod';
import type { Assert, SameType } from '../types/sameType';

/** Environment variable names as POSIX shells accept them. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/**
 * Where fleet-wide governance state lives. SQLite is the embedded default (a file under
 * `dataDir`, shared by the processes of one host); PostgreSQL is for many hosts, named by
 * a connection URL or, better, by the environment variable that holds it, so the
 * password stays out of the file.
 */
export const GovernanceStoreConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sqlite'),
    /** The SQLite file (default `<dataDir>/governance.sqlite`; a relative path is from the project directory). */
    file: z.string().min(1).optional(),
  }),
  z
    .strictObject({
      kind: z.literal('postgres'),
      /** A `postgres://` connection URL. */
      url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
      /** The environment variable holding the connection URL, read when the store opens. */
      urlEnv: envName.optional(),
      /** Connections each process keeps open (default 4). */
      poolSize: z.number().int().min(1).max(100).default(4),
      /** How long a query may take before the store counts as unavailable (default 5,000 ms). */
      queryTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    })
    .refine((config) => (config.url === undefined) !== (config.urlEnv === undefined), {
      message: 'give exactly one of url or urlEnv',
      path: ['url'],
    }),
]);

/** The embedded default: a SQLite file shared by the processes of one host. */
export interface SqliteGovernanceStoreConfig {
  /** Selects SQLite. */
  readonly kind: 'sqlite';
  /** The SQLite file (default `<dataDir>/governance.sqlite`; a relative path is from the project directory). */
  readonly file?: string | undefined;
}

/** PostgreSQL, shared by every host of a fleet; exactly one of `url` and `urlEnv`. */
export interface PostgresGovernanceStoreConfig {
  /** Selects PostgreSQL. */
  readonly kind: 'postgres';
  /** A `postgres://` connection URL. */
  readonly url?: string | undefined;
  /** The environment variable holding the connection URL, read when the store opens. */
  readonly urlEnv?: string | undefined;
  /** Connections each process keeps open (default 4). */
  readonly poolSize: number;
  /** How long a query may take before the store counts as unavailable (default 5,000 ms). */
  readonly queryTimeoutMs: number;
}

/** The governance store's configuration, as validated (`governanceStore` in writ.config.json). */
export type GovernanceStoreConfig = SqliteGovernanceStoreConfig | PostgresGovernanceStoreConfig;
type _ConfigIsTheSchemas = Assert<SameType<GovernanceStoreConfig, z.output<typeof GovernanceStoreConfigSchema>>>;

/** The default: a SQLite file under the data directory. */
export const DEFAULT_GOVERNANCE_STORE: GovernanceStoreConfig = { kind: 'sqlite' };
