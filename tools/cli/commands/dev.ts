import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type WritConfig } from '../../../core/config/writConfig';
import { WritError } from '../../../core/errors/writError';
import { DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../../core/identity/devIdentityProvider';
import { IdentityVerifierConfigSchema } from '../../../core/identity/identityVerifier';
import { loadTemporalTarget } from '../../../core/server/temporalTarget';
import { startConsoleServices } from '../consoleServices';
import { loadDefinition } from '../workerModule';
import { consolePort, untilInterrupted } from './console';
import { DEFAULT_WORKER_MODULE, WORKER_SERVING } from './worker';
// The server and worker modules load the Temporal runtime: required when the command runs.
type DevServerModule = typeof import('../../../core/server/devServer');
type StartWritWorkerModule = typeof import('../../../worker/startWritWorker');

/** What `writ dev` prints once everything serves (scripts and tests wait for it). */
export const DEV_READY = 'writ dev: ready';

/**
 * `writ dev`: the whole development set-up in one process, until Ctrl-C: the embedded
 * Temporal dev server (unless Temporal's client configuration names a server), the
 * development OpenID provider on loopback, the operators' console signing in there, and the
 * project's governed worker, which verifies identity tokens through the provider's JWKS URL
 * exactly as it would a company's provider. The provider signs with the development
 * identity provider's key (`<dataDir>/idp`), so `writ token`'s tokens (issuer
 * `writ-dev-idp`) verify through the same URL: the worker trusts that issuer there.
 */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run the embedded Temporal dev server, the development OpenID provider, the console and the governed worker, until Ctrl-C')
    .option('--port <port>', "the console's port (0: any free one)", '0')
    .option('--module <file>', "the project's worker module (built JavaScript) exporting writWorker", DEFAULT_WORKER_MODULE)
    .option('--export <name>', 'the export of the module that holds the worker definition', 'writWorker')
    .action(async (opts: { port: string; module: string; export: string }) => {
      const port = consolePort(opts.port);
      const config = loadConfig();
      requireDevelopmentIdentity(config);
      const definition = loadDefinition(resolve(opts.module), opts.export);
      const target = loadTemporalTarget();
      const stops: (() => Promise<void>)[] = [];
      const stopAll = async () => {
        for (const stop of stops.reverse()) await stop();
      };
      try {
        let address: string | undefined;
        if (target.kind === 'embedded') {
          const { startDevServer } = require('../../../core/server/devServer') as DevServerModule;
          const server = await startDevServer({ dataDir: join(config.dataDir, 'temporal'), namespace: target.namespace, searchAttributes: { WritStatus: 'Keyword', WritPrincipal: 'Keyword' } });
          stops.push(() => server.stop());
          address = server.address;
          process.stdout.write(`Temporal dev server at ${server.address} (namespace ${server.namespace}); Web UI ${server.uiUrl ?? '-'}\n`);
        }
        const console = await startConsoleServices(config, { host: '127.0.0.1', port, address, namespace: target.namespace });
        stops.push(() => console.stop());
        const provider = console.devProvider;
        if (provider === undefined) throw new WritError('CONFIG_INVALID', 'the console started without the development OpenID provider');
        process.stdout.write(`development OpenID provider at ${provider.issuer} (JWKS ${provider.jwksUrl}); operators: ${config.console.devAccounts.map((a) => a.principal).join(', ')}\n`);
        process.stdout.write(`Writ console at ${console.url}\n`);

        // The worker trusts the development provider as it would a company's: through its JWKS URL.
        const identity = IdentityVerifierConfigSchema.parse({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksUrl: provider.jwksUrl });
        const { startWritWorker } = require('../../../worker/startWritWorker') as StartWritWorkerModule;
        // Warnings and errors only: the worker's state changes would bury the addresses above.
        (require('../../../worker/runtimeLogging') as typeof import('../../../worker/runtimeLogging')).installRuntimeLogging('WARN');
        const started = await startWritWorker(definition, { config: { ...config, identity }, target, ...(address === undefined ? {} : { address }), createKeys: true });
        const running = started.run();
        stops.push(async () => {
          // SIGINT already asked the Temporal runtime to shut the worker down; otherwise ask now.
          if (started.worker.getState() === 'RUNNING') started.worker.shutdown();
          await running;
        });
        process.stdout.write(`${WORKER_SERVING} task queue ${started.taskQueue} in namespace ${started.namespace} as ${started.role}, identity through ${provider.jwksUrl}\n`);
        process.stdout.write(`${DEV_READY}: Ctrl-C stops everything\n`);
        await Promise.race([untilInterrupted(), running]);
      } finally {
        await stopAll();
      }
    });
}

/** `writ dev` runs the development provider: a configured identity provider belongs to `writ worker` and `writ console`. */
function requireDevelopmentIdentity(config: WritConfig): void {
  if (config.identity !== undefined || config.console.oidc !== undefined) {
    throw new WritError('CONFIG_INVALID', `writ dev trusts its own development OpenID provider: remove ${config.identity !== undefined ? 'identity' : 'console.oidc'} from writ.config.json, or run writ worker and writ console against your provider`);
  }
}
