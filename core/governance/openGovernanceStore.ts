import { join } from 'node:path';
import { WritError } from '../errors/writError';
import type { GovernanceStore } from './governanceStore';
import type { GovernanceStoreConfig, PostgresGovernanceStoreConfig } from './governanceStoreConfig';
import { SqliteGovernanceStore } from './sqliteGovernanceStore';

/** The SQLite file of the embedded default, under the data directory. */
export const GOVERNANCE_SQLITE_FILE = 'governance.sqlite';

/**
 * Opens the configured governance store, applying its migrations. A store whose schema is
 * newer than this code is refused (STORE_SCHEMA_NEWER); a PostgreSQL URL that cannot be
 * had (its environment variable unset) is CONFIG_INVALID; a server that cannot be reached
 * is GOVERNANCE_STORE_UNAVAILABLE.
 */
export async function openGovernanceStore(
  config: GovernanceStoreConfig,
  where: { dataDir: string; env?: NodeJS.ProcessEnv },
): Promise<GovernanceStore> {
  if (config.kind === 'sqlite') {
    return SqliteGovernanceStore.open(config.file ?? join(where.dataDir, GOVERNANCE_SQLITE_FILE));
  }
  const url = governanceStoreUrl(config, where.env ?? process.env);
  // Loaded only when configured: a project on the embedded default never loads the client.
  const { PostgresGovernanceStore } = require('./postgresGovernanceStore') as typeof import('./postgresGovernanceStore');
  return PostgresGovernanceStore.connect({ url, poolSize: config.poolSize, queryTimeoutMs: config.queryTimeoutMs });
}

/**
 * The PostgreSQL store's connection URL: the configured one, or the value of the variable
 * `urlEnv` names (CONFIG_INVALID when it is unset). The evidence log sequenced in the same
 * database connects with it too.
 */
export function governanceStoreUrl(config: PostgresGovernanceStoreConfig, env: NodeJS.ProcessEnv): string {
  const url = config.url ?? env[config.urlEnv!];
  if (url === undefined || url === '') {
    throw new WritError('CONFIG_INVALID', `governanceStore.urlEnv names ${config.urlEnv}, which is not set: set it to the PostgreSQL connection URL`);
  }
  return url;
}
