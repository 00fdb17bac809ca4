import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/writConfig';
// The server and worker modules load the Temporal runtime (a second to import): they
// are required when their command runs, so `writ keys` and `writ token` stay quick.
type DevServerModule = typeof import('../../server/devServer');
type WorkerModule = typeof import('../../worker/startGovernedWorker');

/** `writ server` and `writ worker`: the two long-running pieces, separately. */
export function registerServeCommands(program: Command): void {
  program
    .command('server')
    .description('run the embedded Temporal dev server (SQLite in <dataDir>/temporal) until Ctrl-C')
    .option('--port <port>', 'gRPC port (default: a free one)')
    .action(async (opts: { port?: string }) => {
      const config = loadConfig();
      const { startDevServer } = require('../../server/devServer') as DevServerModule;
      const server = await startDevServer({
        dataDir: join(config.dataDir, 'temporal'),
        searchAttributes: { WritStatus: 'Keyword', WritPrincipal: 'Keyword' },
        ...(opts.port === undefined ? {} : { port: Number(opts.port) }),
      });
      process.stdout.write(`Temporal dev server at ${server.address} (namespace ${server.namespace}); Web UI ${server.uiUrl ?? '-'}\n`);
      process.stdout.write(`workers: TEMPORAL_ADDRESS=${server.address} TEMPORAL_NAMESPACE=${server.namespace} writ worker\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.stop();
    });

  program
    .command('worker')
    .description('run a governed worker for the example workflows against the server TEMPORAL_ADDRESS or the temporal.toml profile names')
    .action(async () => {
      const config = loadConfig();
      const { startGovernedWorker } = require('../../worker/startGovernedWorker') as WorkerModule;
      const started = await startGovernedWorker(config);
      process.stdout.write(`writ worker: serving ${config.taskQueue} in ${started.namespace}\n`);
      try {
        await started.worker.run();
      } finally {
        await started.close();
      }
    });
}
