import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { WritConfig } from '../../core/config/writConfig';
import { WritError } from '../../core/errors/writError';
import { openGovernanceStore } from '../../core/governance/openGovernanceStore';
import type { RunningDevOidcProvider } from '../../core/oidc/devOidcProvider';
import type { EvidenceLog } from '../../core/log/evidence/evidenceLog';

// The console pulls in the Temporal client, Koa and openid-client: loaded when it runs.
type ConsoleModules = {
  server: typeof import('../../console/consoleServer');
  audit: typeof import('./commands/auditRun');
  provider: typeof import('../../core/oidc/devOidcProvider');
  operators: typeof import('./operatorClient');
  access: typeof import('../../console/access/consoleAccess');
  policies: typeof import('../../core/policy/policySource');
};

/** The console's client id at the development provider. */
export const DEV_CONSOLE_CLIENT_ID = 'writ-console';

/** Where the console listens and which Temporal server it reads. */
export interface ConsoleServicesOptions {
  readonly host: string;
  readonly port: number;
  /** The Temporal server (default: Temporal's client configuration). */
  readonly address?: string | undefined;
  /** The namespace (default: Temporal's client configuration's, or writ). */
  readonly namespace?: string | undefined;
}

/** The console and what it opened: its URL, the development provider when it started one, and how to stop all of it. */
export interface RunningConsoleServices {
  /** Where operators open the console. */
  readonly url: string;
  /** The Temporal server and namespace it reads. */
  readonly address: string;
  readonly namespace: string;
  /** The development OpenID provider started beside it (no `console.oidc` configured), else undefined. */
  readonly devProvider: RunningDevOidcProvider | undefined;
  /** Stops the console, the development provider, the Temporal connection and the governance store. */
  stop(): Promise<void>;
}

/**
 * Starts the operators' console as `writ console` and `writ dev` run it: its operations over
 * an operator client of the Temporal server, passkey bindings in the configured governance
 * store (where the workers read them), the configured passkey trust, who may see what decided
 * by the project's policy set (reloaded when it changes), and sign-in at the
 * configured OpenID provider (`console.oidc`, its secret from the environment) or, with none,
 * at the development provider started beside it on loopback with `console.devAccounts`,
 * signing with the key in `<dataDir>/idp`.
 */
export async function startConsoleServices(config: WritConfig, options: ConsoleServicesOptions): Promise<RunningConsoleServices> {
  const modules: ConsoleModules = {
    server: require('../../console/consoleServer') as ConsoleModules['server'],
    audit: require('./commands/auditRun') as ConsoleModules['audit'],
    provider: require('../../core/oidc/devOidcProvider') as ConsoleModules['provider'],
    operators: require('./operatorClient') as ConsoleModules['operators'],
    access: require('../../console/access/consoleAccess') as ConsoleModules['access'],
    policies: require('../../core/policy/policySource') as ConsoleModules['policies'],
  };
  const operators = await modules.operators.openOperatorConsole({ as: 'writ-console', group: [], ...(options.address === undefined ? {} : { address: options.address }), ...(options.namespace === undefined ? {} : { namespace: options.namespace }) });
  let governance: Awaited<ReturnType<typeof openGovernanceStore>> | undefined;
  let evidenceLog: EvidenceLog | undefined;
  let devProvider: RunningDevOidcProvider | undefined;
  let policies: ReturnType<ConsoleModules['policies']['PolicySource']['load']> | undefined;
  try {
    // Who may see what: the project's policy set (console actions viewPending, viewWorkflow, viewKillSwitch), reloaded when it changes.
    policies = modules.policies.PolicySource.load(config.policiesDir).watch();
    // Passkey bindings go where the workers read them: the configured governance store.
    governance = await openGovernanceStore(config.governanceStore, { dataDir: config.dataDir });
    // Bindings are evidence: logged ahead in the workers' evidence log (made here in development, as a worker makes it).
    const { openConfiguredEvidenceLog } = require('../../core/runtime/openGovernance') as typeof import('../../core/runtime/openGovernance');
    evidenceLog = await openConfiguredEvidenceLog(config, { create: config.identity === undefined });
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
      access: modules.access.cedarConsoleAccess(policies, operators.console.namespace),
      passkeys: governance,
      evidenceLog,
      passkeyTrust: config.console.passkeys,
      ...(config.console.publicOrigin === undefined ? {} : { publicOrigin: config.console.publicOrigin }),
      host: options.host,
      port: options.port,
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
    const opened = governance;
    const log = evidenceLog;
    const watched = policies;
    return {
      url: running.url,
      address: operators.address,
      namespace: operators.namespace,
      devProvider,
      stop: async () => {
        await running.stop();
        await devProvider?.stop();
        await operators.close();
        await opened.close();
        await log.close();
        watched.close();
      },
    };
  } catch (error) {
    await devProvider?.stop();
    await operators.close();
    await governance?.close();
    await evidenceLog?.close();
    policies?.close();
    throw error;
  }
}

/** The configured provider, its client secret from the environment (CONFIG_INVALID when unset). */
function companyProvider(config: WritConfig): { issuer: string; clientId: string; clientSecret: string } {
  const oidc = config.console.oidc!;
  const clientSecret = process.env[oidc.clientSecretEnv];
  if (clientSecret === undefined || clientSecret === '') throw new WritError('CONFIG_INVALID', `console.oidc names the client secret's variable ${oidc.clientSecretEnv}, which is not set`);
  return { issuer: oidc.issuer, clientId: oidc.clientId, clientSecret };
}
