import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from '../../core/server/devServer';
import { findTemporalCli } from '../../core/server/findTemporalCli';
import { POSTGRES_ROOT_ENV } from '../../tools/postgres/postgresServer';
import { TEST_ENV, TEST_SERVER_HANDLE, type TestServerHandle } from './testServer';

/**
 * Jest global set-up: starts ONE Temporal dev server for the whole `npm test` run, in a
 * fresh temporary directory, and publishes where it is through environment variables,
 * which jest's worker processes inherit, with the directory PostgreSQL test clusters are
 * made under. The handle stays on `globalThis` for teardown.
 */
export default async function globalSetup(_globalConfig: unknown, projectConfig: { rootDir: string }): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-test-'));
  isolateFromTemporalConfiguration(dataDir);
  const started = Date.now();
  let server: DevServer;
  try {
    server = await startDevServer({
      dataDir,
      namespace: 'writ',
      cliPath: findTemporalCli({ projectRoot: projectConfig.rootDir }),
      headless: true,
      searchAttributes: { WritStatus: 'Keyword', WritPrincipal: 'Keyword' },
    });
  } catch (error) {
    // The error already carries the end of the server log; do not litter tmp on every failure.
    if (process.env['WRIT_KEEP_TEST_DATA'] !== '1') {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    throw error;
  }
  configureSoftHsm(dataDir);
  process.env[TEST_ENV.address] = server.address;
  process.env[TEST_ENV.namespace] = server.namespace;
  process.env[TEST_ENV.dataDir] = dataDir;
  // PostgreSQL test clusters (tools/postgres/postgresServer.ts) are made under one directory
  // of the run, so the teardown can stop any that a crashed test file left running. Its
  // mode lets the server's own user (postgres, when the run is root) reach its cluster.
  const postgresRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-test-postgres-'));
  fs.chmodSync(postgresRoot, 0o711);
  process.env[POSTGRES_ROOT_ENV] = postgresRoot;
  const handle: TestServerHandle = { server, dataDir, postgresRoot };
  (globalThis as Record<string, unknown>)[TEST_SERVER_HANDLE] = handle;
  process.stdout.write(`\nwrit: Temporal dev server ready at ${server.address} (namespace ${server.namespace}) in ${Date.now() - started} ms\n`);
}

/**
 * SoftHSM2 reads SOFTHSM2_CONF when the module is initialized, from the real environment
 * of the process it is loaded into, which a test file cannot change (jest gives it a copy).
 * So the run has one token directory, named here before the workers start; each test file
 * makes its own tokens in it (test/support/softhsmToken.ts). Written even where SoftHSM2
 * is not installed: it is one small file.
 */
function configureSoftHsm(dataDir: string): void {
  const dir = path.join(dataDir, 'softhsm');
  fs.mkdirSync(path.join(dir, 'tokens'), { recursive: true, mode: 0o700 });
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env[TEST_ENV.softHsmConf] = conf;
  process.env['SOFTHSM2_CONF'] = conf;
}

/**
 * Every process of the run (jest's workers and the CLIs and workers they spawn) connects
 * where its test says, never where the developer's own Temporal client configuration points:
 * their TEMPORAL_* variables are dropped and temporal.toml is one without profiles, instead
 * of the one in their configuration directory.
 */
function isolateFromTemporalConfiguration(dataDir: string): void {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('TEMPORAL_')) delete process.env[name];
  }
  const temporalToml = path.join(dataDir, 'temporal.toml');
  fs.writeFileSync(temporalToml, '# The test run: no profiles, so each test names its server.\nprofile = {}\n');
  process.env['TEMPORAL_CONFIG_FILE'] = temporalToml;
}
