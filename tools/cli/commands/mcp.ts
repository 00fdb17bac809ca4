import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type WritConfig } from '../../../core/config/writConfig';
import type { UpstreamTool } from '../../../mcp/upstream/upstreamActions';
import { WritError } from '../../../core/errors/writError';
import { readBoundCredentialFile } from '../../../core/identity/boundCredentialFile';
import type { ProofKey } from '../../../core/identity/proofKey';
import { loadTemporalTarget, toConnectionOptions } from '../../../core/server/temporalTarget';
import { connectTemporal } from '../temporalConnection';
import { loadDefinition } from '../workerModule';
import { DEFAULT_WORKER_MODULE } from './worker';
import { DEFAULT_APPROVAL_WAIT_SECONDS } from '../../../core/protocol/mcpContract';
import { PolicySource } from '../../../core/policy/policySource';
import type { AgentPrincipal } from '../../../mcp/toolVisibility';

/** The environment variables the agent's identity comes from on stdio. */
export const MCP_CREDENTIAL_ENV = 'WRIT_MCP_CREDENTIAL';
export const MCP_TOKEN_ENV = 'WRIT_IDENTITY_TOKEN';

/**
 * `writ mcp`: an MCP server on stdio whose tools are the project's governed actions, for an
 * agent to connect to as it would to any MCP server. Each session is a governed run under
 * the agent's identity: a bound credential file (`--credential`, or WRIT_MCP_CREDENTIAL:
 * `writ token --bind` writes one), else a token in WRIT_IDENTITY_TOKEN, which, bound to no
 * key, starts one session. Nothing but MCP is written to stdout. With `--http`, Streamable
 * HTTP on loopback instead, each session opened with its agent's bearer token.
 */
export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description("serve the project's governed actions as MCP tools on stdio: each session a governed run, each tool call a governed step")
    .option('--module <file>', `the project's worker module (built JavaScript) exporting writWorker`, DEFAULT_WORKER_MODULE)
    .option('--export <name>', 'the export of the module that holds the worker definition', 'writWorker')
    .option('--credential <file>', `the agent's bound credential (default: ${MCP_CREDENTIAL_ENV})`)
    .option('--http', 'serve Streamable HTTP instead of stdio: each session opened with its agent\'s bearer token')
    .option('--host <host>', 'with --http: the address to listen on', '127.0.0.1')
    .option('--port <port>', 'with --http: the port (0: any free one)', '0')
    .option('--approval-wait <seconds>', 'the longest a tool call waits for approvers (never longer than the policy)', String(DEFAULT_APPROVAL_WAIT_SECONDS))
    .action(async (opts: { module: string; export: string; credential?: string; http?: boolean; host: string; port: string; approvalWait: string }) => {
      const config = loadConfig();
      const approvalWaitSeconds = Number(opts.approvalWait);
      if (!Number.isInteger(approvalWaitSeconds) || approvalWaitSeconds < 1 || approvalWaitSeconds > 86_400) {
        throw new WritError('CONFIG_INVALID', `--approval-wait ${opts.approvalWait} is not a whole number of seconds from 1 to 86400`);
      }
      const definition = loadDefinition(resolve(opts.module), opts.export);
      const identity = opts.http === true ? undefined : await agentIdentity(opts.credential ?? process.env[MCP_CREDENTIAL_ENV]);
      // The authorizer's policy directory, reloaded as the worker reloads it: tools/list offers
      // what it can ever permit. A set that cannot be loaded serves nothing (POLICY_UNAVAILABLE, POLICY_INVALID).
      const policies = PolicySource.load(config.policiesDir).watch();
      const { openIdentityVerifier } = require('../../../core/runtime/openIdentityVerifier') as typeof import('../../../core/runtime/openIdentityVerifier');
      const { identity: verifier } = await openIdentityVerifier(config);
      const actions = typeof definition.actions === 'function' ? await definition.actions() : definition.actions;
      // The gateway only lists the upstreams' tools; the governed worker holds the clients that call them.
      const upstreamTools = await listUpstreamTools(config);
      const target = loadTemporalTarget();
      const connection = await connectTemporal(toConnectionOptions(target));
      // The MCP SDK and Temporal's client load only when the command runs.
      const { createWritClient } = require('../../../core/client/createWritClient') as typeof import('../../../core/client/createWritClient');
      const { createMcpGateway } = require('../../../mcp/mcpGateway') as typeof import('../../../mcp/mcpGateway');
      const gatewayFor = (agent: { identityToken: string; proofKey?: ProofKey }, principal: AgentPrincipal) =>
        createMcpGateway({ client: createWritClient({ connection, namespace: target.namespace, ...agent }), taskQueue: config.taskQueue, actions, upstreamTools, approvalWaitSeconds, principal, policies });
      const tools = Object.keys(actions).length + upstreamTools.length;
      if (identity === undefined) {
        const { startMcpHttpServer } = require('../../../mcp/mcpHttpServer') as typeof import('../../../mcp/mcpHttpServer');
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new WritError('CONFIG_INVALID', `--port ${opts.port} is not a port`);
        const http = await startMcpHttpServer({ verifyToken: (token) => verifier.verify(token), gatewayFor: (identityToken, principal) => gatewayFor({ identityToken }, principal), host: opts.host, port });
        process.stderr.write(`writ mcp: serving ${tools} governed tools at ${http.url} on task queue ${config.taskQueue}\n`);
        await new Promise<void>((stop) => {
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await http.close();
      } else {
        const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js') as typeof import('@modelcontextprotocol/sdk/server/stdio.js');
        // Verified here as well as by the session run: the listing is for the principal the token proves.
        const principal = await verifier.verify(identity.identityToken);
        const gateway = gatewayFor(identity, principal);
        const transport = new StdioServerTransport();
        const closed = new Promise<void>((done) => {
          transport.onclose = () => done();
          process.stdin.once('end', () => done());
        });
        await gateway.server.connect(transport);
        process.stderr.write(`writ mcp: serving ${tools} governed tools on stdio; session ${gateway.sessionWorkflowId} on task queue ${config.taskQueue}\n`);
        await closed;
        await gateway.close();
      }
      policies.close();
      await connection.close();
      await definition.close?.();
    });
}

/** The tools of writ.config.json's `mcp.upstreams`, listed once and the connections closed; none without upstreams. */
async function listUpstreamTools(config: WritConfig): Promise<readonly UpstreamTool[]> {
  if (config.mcp.upstreams.length === 0) return [];
  const { openUpstreams } = require('../../../mcp/upstream/openUpstreams') as typeof import('../../../mcp/upstream/openUpstreams');
  const upstreams = await openUpstreams(config.mcp.upstreams, config.projectRoot);
  await upstreams.close();
  return upstreams.tools;
}

/** The agent's identity: a bound credential file, else a bearer token from the environment; IDENTITY_MISSING without either. */
async function agentIdentity(credentialFile: string | undefined): Promise<{ identityToken: string; proofKey?: ProofKey }> {
  if (credentialFile !== undefined && credentialFile !== '') return readBoundCredentialFile(resolve(credentialFile));
  const token = process.env[MCP_TOKEN_ENV];
  if (token !== undefined && token !== '') return { identityToken: token };
  throw new WritError('IDENTITY_MISSING', `writ mcp serves an agent with a verified identity: give --credential <file> (writ token --bind), ${MCP_CREDENTIAL_ENV}, or a token in ${MCP_TOKEN_ENV}`);
}
