import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../../core/config/writConfig';
import { WRIT_ROLES, type WritRole } from '../../../core/config/writRole';
import { loadDefinition } from '../workerModule';
// The worker module loads the Temporal runtime (a second to import): it is required when
// the command runs, so `writ keys` and `writ token` stay quick.
type StartWritWorkerModule = typeof import('../../../worker/startWritWorker');

/** Where `writ init`'s project builds its worker module (`npm run build`). */
export const DEFAULT_WORKER_MODULE = 'dist/src/worker.js';

/** What the worker prints once it polls its task queue (scripts and tests wait for it). */
export const WORKER_SERVING = 'writ worker: serving';

/**
 * `writ worker`: runs the project's governed worker in a role. The project names its
 * actions and workflows in its worker module, which exports them as `writWorker` (a
 * `WritWorkerDefinition`; the starter's `src/worker.ts` does), built to
 * `dist/src/worker.js` by default. The role is `--role`, else the configuration's `role`
 * (default `all`).
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description("run the project's governed worker: --role all (authorize and execute, the development default), authorizer or executor")
    .addOption(new Option('--role <role>', 'what this worker does (default: the configured role, else all)').choices(WRIT_ROLES))
    .option('--module <file>', `the project's worker module (built JavaScript) exporting writWorker`, DEFAULT_WORKER_MODULE)
    .option('--export <name>', 'the export of the module that holds the worker definition', 'writWorker')
    .action(async (opts: { role?: WritRole; module: string; export: string }) => {
      const config = loadConfig(opts.role === undefined ? {} : { overrides: { role: opts.role } });
      const definition = loadDefinition(resolve(opts.module), opts.export);
      const { startWritWorker } = require('../../../worker/startWritWorker') as StartWritWorkerModule;
      const started = await startWritWorker(definition, { config });
      const sends = started.role === 'executor' ? `; authorization on ${config.authorizerTaskQueue}` : '';
      process.stdout.write(`${WORKER_SERVING} task queue ${started.taskQueue} in namespace ${started.namespace} as ${started.role}${sends}\n`);
      await started.run();
    });
}
