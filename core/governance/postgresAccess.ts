import type { Pool, PoolClient } from 'pg';
import { WritError } from '../errors/writError';

/**
 * `postgresql://host:port/database` for messages, never the user or password; undefined for
 * a URL that does not parse (which may hold a password, so it is never repeated).
 */
export function describePostgresTarget(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = parsed.port === '' ? '5432' : parsed.port;
  return `postgresql://${parsed.hostname}:${port}${parsed.pathname}`;
}

/**
 * Runs `run` against PostgreSQL: a failure of the server or the connection is
 * GOVERNANCE_STORE_UNAVAILABLE, naming `subject` (what failed, with its host and database);
 * Writ's own refusals pass through.
 */
export async function guardPostgres<T>(subject: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WritError) throw error;
    throw new WritError('GOVERNANCE_STORE_UNAVAILABLE', `${subject} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs `work` in one transaction on one pooled connection, every step guarded as `subject`; any failure rolls it back. */
export async function inPostgresTransaction<T>(pool: Pool, subject: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await guardPostgres(subject, () => pool.connect());
  try {
    return await guardPostgres(subject, async () => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  } finally {
    client.release();
  }
}
