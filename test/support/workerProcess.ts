import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnWorkerProcess, type WorkerProcess } from '../../worker/workerProcess';

const WORKER_MAIN = resolve(__dirname, '../../dist/examples/worker/main.js');

/** A governed worker in its own OS process, so a test can kill it like a crash would. */
export type { WorkerProcess };

/**
 * Starts `dist/examples/worker/main.js` (built by `npm test`) with `env` and resolves once it
 * serves its task queue.
 */
export async function startWorkerProcess(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run \`npm run build\` (npm test does)`);
  return spawnWorkerProcess(WORKER_MAIN, env, readyTimeoutMs);
}
