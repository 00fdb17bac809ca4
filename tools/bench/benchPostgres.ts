import type { GovernanceStore } from '../../core/governance/governanceStore';
import { GovernanceStoreConfigSchema, type PostgresGovernanceStoreConfig } from '../../core/governance/governanceStoreConfig';
import { openGovernanceStore } from '../../core/governance/openGovernanceStore';
import type { PostgresSequencerOptions } from '../../core/log/sequencer/postgresLogSequencer';
import { postgresVersion } from '../postgres/findPostgresBin';
import { startPostgresServer } from '../postgres/postgresServer';

/** The PostgreSQL the PostgreSQL figures were measured on, as the report names it. */
export interface PostgresInfo {
  /** The server's version, e.g. `15.18 (Debian 15.18-0+deb12u1)`. */
  readonly version: string;
  /**
   * fsync and full-page writes on, as a deployment runs it: a commit waits for the disk,
   * as the SQLite store's commits do (WAL, synchronous FULL).
   */
  readonly durable: true;
  /** Where it listens: a cluster of the bench's own on the loopback interface. */
  readonly host: string;
  /** Connections each store keeps (the configuration's default). */
  readonly poolSize: number;
  /** The query timeout each store runs with (the configuration's default). */
  readonly queryTimeoutMs: number;
}

/** A throw-away PostgreSQL and the governance stores the bench opens on it. */
export interface BenchPostgres {
  readonly info: PostgresInfo;
  /**
   * The store the `governed-postgres` worker and `standing-check-postgres` consult: as
   * the SQLite store of the other governed figures, it holds no revocation and no kill switch.
   */
  readonly governance: GovernanceStore;
  /** A store in a database of its own for the write micro-benchmarks, so `governance` stays empty. */
  readonly writes: GovernanceStore;
  /** Databases of their own (migrated) for the PostgreSQL-sequenced evidence log's cases: appends, and checkpoints. */
  readonly logSequencers: { readonly appends: PostgresSequencerOptions; readonly checkpoints: PostgresSequencerOptions };
  /** The postmaster's process id, for the CPU time of the server's processes. */
  pid(): number | undefined;
  /** Closes the stores, stops the server and removes its directory. */
  close(): Promise<void>;
}

/**
 * Starts a throw-away PostgreSQL cluster from the server binaries in `binDir` (durable,
 * on loopback, in a temporary directory) and opens two governance stores on databases of
 * their own, through `openGovernanceStore` with the configuration's defaults, as a worker
 * given `{ "kind": "postgres", "url": ... }` opens its store.
 */
export async function startBenchPostgres(binDir: string): Promise<BenchPostgres> {
  const server = await startPostgresServer({ binDir, durable: true });
  const stores: GovernanceStore[] = [];
  const close = async (): Promise<void> => {
    try {
      for (const store of stores) await store.close();
    } finally {
      await server.destroy();
    }
  };
  try {
    const open = async (database: string): Promise<{ config: PostgresGovernanceStoreConfig; store: GovernanceStore }> => {
      const config = GovernanceStoreConfigSchema.parse({ kind: 'postgres', url: await server.createDatabase(database) }) as PostgresGovernanceStoreConfig;
      // dataDir is where a SQLite store would go; a PostgreSQL store has no file.
      const store = await openGovernanceStore(config, { dataDir: server.root });
      stores.push(store);
      return { config, store };
    };
    const governance = await open('writ_bench');
    const writes = await open('writ_bench_writes');
    const sequencerOf = ({ config }: { config: PostgresGovernanceStoreConfig }): PostgresSequencerOptions => ({ url: config.url!, poolSize: config.poolSize, queryTimeoutMs: config.queryTimeoutMs });
    const logSequencers = { appends: sequencerOf(await open('writ_bench_log')), checkpoints: sequencerOf(await open('writ_bench_log_checkpoints')) };
    return {
      info: {
        version: postgresVersion(binDir),
        durable: true,
        host: server.host,
        poolSize: governance.config.poolSize,
        queryTimeoutMs: governance.config.queryTimeoutMs,
      },
      governance: governance.store,
      writes: writes.store,
      logSequencers,
      pid: () => server.pid,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
