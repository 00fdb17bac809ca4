import fs from 'node:fs';
import { sweepPostgresServers } from '../../tools/postgres/postgresServer';
import { TEST_SERVER_HANDLE, type TestServerHandle } from './testServer';

/**
 * Jest global teardown: stops the run's shared Temporal dev server and removes its data
 * directory, unless WRIT_KEEP_TEST_DATA=1 asks to keep the SQLite file and log to inspect;
 * stops any PostgreSQL test cluster a test file left running (its worker died before
 * its afterAll) and removes them all.
 */
export default async function globalTeardown(): Promise<void> {
  const slot = globalThis as Record<string, unknown>;
  const handle = slot[TEST_SERVER_HANDLE] as TestServerHandle | undefined;
  if (handle === undefined) {
    return; // globalSetup failed before it started anything; jest has already said why
  }
  delete slot[TEST_SERVER_HANDLE];
  await handle.server.stop();
  const keep = process.env['WRIT_KEEP_TEST_DATA'] === '1';
  for (const dataDir of sweepPostgresServers(handle.postgresRoot, { keep })) {
    process.stdout.write(`writ: stopped a PostgreSQL test cluster left running in ${dataDir}\n`);
  }
  if (keep) process.stdout.write(`writ: PostgreSQL test clusters kept (stopped) in ${handle.postgresRoot}\n`);
  if (process.env['WRIT_KEEP_TEST_DATA'] === '1') {
    process.stdout.write(`writ: test server data kept in ${handle.dataDir}\n`);
  } else {
    fs.rmSync(handle.dataDir, { recursive: true, force: true });
  }
}
