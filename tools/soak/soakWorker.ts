#!/usr/bin/env node
// A governed worker process for the soak: the example actions and the soak's workflows,
// loaded from the bundle the soak made once (WRIT_SOAK_BUNDLE). The soak SIGKILLs one.
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../core/config/writConfig';
import { sha256Digest } from '../../core/canonical/digest';
import { startGovernedWorker } from '../../examples/worker/startExampleWorker';
import { installRuntimeLogging } from '../../worker/runtimeLogging';

/** Environment variable naming the bundled soak workflows. */
export const SOAK_BUNDLE_ENV = 'WRIT_SOAK_BUNDLE';

async function main(): Promise<void> {
  installRuntimeLogging('ERROR');
  const file = process.env[SOAK_BUNDLE_ENV];
  if (file === undefined) throw new Error(`${SOAK_BUNDLE_ENV} is not set`);
  const code = readFileSync(file, 'utf8');
  const config = loadConfig();
  const started = await startGovernedWorker(config, { bundle: { code } });
  process.stdout.write(`writ worker: serving task queue ${config.taskQueue}\n`);
  try {
    await started.worker.run();
  } finally {
    await started.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`writ soak worker: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
