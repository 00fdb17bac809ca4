#!/usr/bin/env node
// A governed worker process for the example workflows. It connects to the server named
// by Temporal's client configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ..., or a
// temporal.toml profile) and runs until SIGTERM.
import { loadConfig } from 'writ-governance';
import { startGovernedWorker } from './startExampleWorker';
import { exampleEnvironment } from '../exampleProject';

/** What the worker prints once it polls its task queue (test/support waits for it). */
const WORKER_READY_LINE = 'writ worker: serving';

async function main(): Promise<void> {
  const config = loadConfig({ env: exampleEnvironment() });
  const started = await startGovernedWorker(config);
  process.stdout.write(`${WORKER_READY_LINE} task queue ${started.taskQueue} in namespace ${started.namespace} as ${started.role}\n`);
  try {
    await started.worker.run();
  } finally {
    await started.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`writ worker: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
