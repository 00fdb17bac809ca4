import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type WritConfig } from '../../../core/config/writConfig';
import { WritError } from '../../../core/errors/writError';
import { openGovernanceStore } from '../../../core/governance/openGovernanceStore';

// The console pulls in the Temporal client, Koa and openid-client: loaded when it runs.
type ConsoleModules = {
  server: typeof import('../../../console/consoleServer');
  audit: typeof import('./auditRun');
  provider: typeof import('../../../core/oidc/devOidcProvider');
  operators: typeof import('../operatorClient');
  access: typeof import('../../../console/access/consoleAccess');
  policies: typeof import('../../../core/policy/policySource');
};

/** The console's client id at the development provider. */
const DEV_CONSOLE_CLIENT_ID = 'writ-console';

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
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new WritError('CONFIG_INVALID', `--port ${opts.port} is not a port number`);
      const config = loadConfig();
      const modules: ConsoleModules = {
        server: require('../../../console/consoleServer') as ConsoleModules['server'],
        audit: require('./auditRun') as ConsoleModules['audit'],
        provider: require('../../../core/oidc/devOidcProvider') as ConsoleModules['provider'],
        operators: require('../operatorClient') as ConsoleModules['operators'],
        access: require('../../../console/access/consoleAccess') as ConsoleModules['access'],
        policies: require('../../../core/policy/policySource') as ConsoleModules['policies'],
      };
      const operators = await modules.operators.openOperatorConsole({ as: 'writ-console', group: [], ...(opts.address === undefined ? {} : { address: opts.address }), ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }) });
      // Passkey bindings go where the workers read them: the configured governance store.
      const governance = await openGovernanceStore(config.governanceStore, { dataDir: config.dataDir });
      let devProvider: Awaited<ReturnType<ConsoleModules['provider']['startDevOidcProvider']>> | undefined;
      const running = await modules.server.startConsole({
        operations: {
          pending: () => operators.console.pending(),
          pendingOf: (workflowId) => operators.console.pendingOf(workflowId),
          sendApproval: (workflowId, statement) => operators.console.sendApproval(workflowId, statement),
          currentRunId: (workflowId) => operators.console.currentRunId(workflowId),
          sendRevocation: (workflowId, runId, statement) => operators.console.sendRevocation(workflowId, runId, statement),
          namespace: operators.console.namespace,
          killSwitchInForce: () => operators.console.killSwitchInForce(),
          sendKillSwitch: (statement) => operators.console.sendKillSwitch(statement),
          // The history checker, as `writ audit verify --no-replay` runs it: the console holds no workflow code to replay.
          audit: (workflowId) => modules.audit.verdictFor({ workflowId: [workflowId], related: true, replay: false, address: operators.address, namespace: operators.namespace }),
        },
        // Who may see what: the project's policy set (console actions viewPending, viewWorkflow), reloaded when it changes.
        access: modules.access.cedarConsoleAccess(modules.policies.PolicySource.load(config.policiesDir).watch(), operators.console.namespace),
        passkeys: governance,
        passkeyTrust: config.console.passkeys,
        host: opts.host,
        port,
        sessionSeconds: config.console.sessionSeconds,
        allowInsecureProvider: config.console.oidc === undefined || config.console.oidc.issuer.startsWith('http://'),
        relyingParty: async (redirectUri) => {
          if (config.console.oidc !== undefined) return companyProvider(config);
          const clientSecret = randomBytes(32).toString('base64url');
          devProvider = await modules.provider.startDevOidcProvider({
            idpDir: join(config.dataDir, 'idp'),
            accounts: config.console.devAccounts,
            clients: [{ clientId: DEV_CONSOLE_CLIENT_ID, clientSecret, redirectUris: [redirectUri] }],
          });
          return { issuer: devProvider.issuer, clientId: DEV_CONSOLE_CLIENT_ID, clientSecret };
        },
      });
      process.stdout.write(`Writ console at ${running.url} (Temporal ${operators.address}, namespace ${operators.namespace})\n`);
      if (devProvider !== undefined) process.stdout.write(`operators sign in at the development OpenID provider ${devProvider.issuer} as: ${config.console.devAccounts.map((a) => a.principal).join(', ')}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.stop();
      await devProvider?.stop();
      await operators.close();
      await governance.close();
    });
}

/** The configured provider, its client secret from the environment (CONFIG_INVALID when unset). */
function companyProvider(config: WritConfig): { issuer: string; clientId: string; clientSecret: string } {
  const oidc = config.console.oidc!;
  const clientSecret = process.env[oidc.clientSecretEnv];
  if (clientSecret === undefined || clientSecret === '') throw new WritError('CONFIG_INVALID', `console.oidc names the client secret's variable ${oidc.clientSecretEnv}, which is not set`);
  return { issuer: oidc.issuer, clientId: oidc.clientId, clientSecret };
}
