import type { DevServer } from '../../core/server/devServer';

/** Environment variables through which globalSetup hands the shared server to test files. */
export const TEST_ENV = {
  address: 'WRIT_TEST_TEMPORAL_ADDRESS',
  namespace: 'WRIT_TEST_NAMESPACE',
  dataDir: 'WRIT_TEST_DATA_DIR',
  /** The run's SoftHSM2 configuration (its token directory), also set as SOFTHSM2_CONF. */
  softHsmConf: 'WRIT_TEST_SOFTHSM2_CONF',
} as const;

/** What globalSetup leaves on `globalThis` for globalTeardown (both run in jest's parent). */
export interface TestServerHandle {
  readonly server: DevServer;
  readonly dataDir: string;
  /** Where the run's PostgreSQL test clusters are made (see postgresServer.ts). */
  readonly postgresRoot: string;
}

/** The `globalThis` slot holding the handle; only globalSetup and globalTeardown touch it. */
export const TEST_SERVER_HANDLE = '__writTestTemporalServer';

/** The one Temporal dev server of this test run, as a test file sees it. */
export interface TestTemporal {
  readonly address: string;
  readonly namespace: string;
  /** The server's data directory (holds temporal.sqlite and its log); tests may add files. */
  readonly dataDir: string;
}

/**
 * The shared Temporal dev server started by jest's globalSetup for the whole run. Tests
 * connect to it rather than starting their own, which keeps the suite to one server start.
 * Throws when globalSetup did not run (for example, a jest config without it), because a
 * test silently falling back to some other server would test the wrong thing.
 */
export function testTemporal(): TestTemporal {
  const address = process.env[TEST_ENV.address];
  const namespace = process.env[TEST_ENV.namespace];
  const dataDir = process.env[TEST_ENV.dataDir];
  if (!address || !namespace || !dataDir) {
    throw new Error(
      `${TEST_ENV.address}, ${TEST_ENV.namespace} and ${TEST_ENV.dataDir} are not set: ` +
        'the Temporal test server is started by test/support/globalSetup.ts; run the tests with ' +
        '`npm test` or `npx jest` from the project root so jest.config.js registers it.',
    );
  }
  return { address, namespace, dataDir };
}
