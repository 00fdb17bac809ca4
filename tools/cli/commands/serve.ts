import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../../core/config/writConfig';
// The server module loads the Temporal runtime (a second to import): it
// is required when its command runs, so `writ keys` and `writ token` stay quick.
type DevServerModule = typeof import('../../../core/server/devServer');

/** `writ server`: the embedded Temporal dev server on its own, until Ctrl-C. */
export function registerServeCommands(program: Command): void {
  program
    .command('server')
    .description('run the embedded Temporal dev server (SQLite in <dataDir>/temporal) until Ctrl-C')
    .option('--port <port>', 'gRPC port (default: a free one)')
    .action(async (opts: { port?: string }) => {
      const config = loadConfig();
      const { startDevServer } = require('../../../core/server/devServer') as DevServerModule;
      const server = await startDevServer({
        dataDir: join(config.dataDir, 'temporal'),
        searchAttributes: { WritStatus: 'Keyword', WritPrincipal: 'Keyword' },
        ...(opts.port === undefined ? {} : { port: Number(opts.port) }),
      });
      process.stdout.write(`Temporal dev server at ${server.address} (namespace ${server.namespace}); Web UI ${server.uiUrl ?? '-'}\n`);
      process.stdout.write(`workers and clients: TEMPORAL_ADDRESS=${server.address} TEMPORAL_NAMESPACE=${server.namespace}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.stop();
    });
}
