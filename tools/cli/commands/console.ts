import type { Command } from 'commander';
import { loadConfig } from '../../../core/config/writConfig';
import { WritError } from '../../../core/errors/writError';
import { startConsoleServices } from '../consoleServices';

/** `--port` as a port number (0: any free one), else CONFIG_INVALID. */
export function consolePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new WritError('CONFIG_INVALID', `--port ${raw} is not a port number`);
  return port;
}

/** Resolves on the first SIGINT or SIGTERM: how the long-running commands are told to stop. */
export function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/**
 * `writ console`: the operators' web console, on loopback unless `--host` says otherwise.
 * Operators sign in at the configured OpenID provider (`console.oidc`); with none, the
 * development provider is started beside it on loopback, with the configured accounts, so
 * development signs in through the same code flow as production.
 */
export function registerConsoleCommand(program: Command): void {
  program
    .command('console')
    .description("serve the operators' web console: sign in with OpenID Connect, see what awaits approval across workflows")
    .option('--port <port>', 'the port (0: any free one)', '0')
    .option('--host <host>', 'the address to listen on (loopback by default; put TLS in front of anything else)', '127.0.0.1')
    .option('--address <host:port>', 'Temporal server (default: TEMPORAL_ADDRESS or the temporal.toml profile)')
    .option('--namespace <namespace>', "namespace (default: TEMPORAL_NAMESPACE, the profile's, or writ)")
    .action(async (opts: { port: string; host: string; address?: string; namespace?: string }) => {
      const port = consolePort(opts.port);
      const config = loadConfig();
      const running = await startConsoleServices(config, { host: opts.host, port, address: opts.address, namespace: opts.namespace });
      process.stdout.write(`Writ console at ${running.url} (Temporal ${running.address}, namespace ${running.namespace})\n`);
      if (running.devProvider !== undefined) process.stdout.write(`operators sign in at the development OpenID provider ${running.devProvider.issuer} as: ${config.console.devAccounts.map((a) => a.principal).join(', ')}\n`);
      await untilInterrupted();
      await running.stop();
    });
}
