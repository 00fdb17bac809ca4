import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { writeBoundCredentialFile } from '../../core/identity/boundCredentialFile';
import { TREASURER, type GovernedTestEnv } from './governedTestEnv';
import { testTemporal } from './testServer';

// The built `writ mcp` on stdio, its own process, as an agent's MCP client starts it.

const CLI = resolve(__dirname, '../../dist/tools/cli/main.js');
const WORKER_MODULE = resolve(__dirname, '../../dist/test/support/cliWorker.js');
/** The policy set the governed test environment's authorizer decides under by default. */
export const EXAMPLE_POLICIES = resolve(__dirname, '../../examples/policies');

/** How to start one `writ mcp`. */
export interface WritMcpStdioOptions {
  /** The agent's bound credential file; none for an agent without an identity. */
  readonly credential?: string;
  /** Further command-line options (`--approval-wait 2`). */
  readonly options?: readonly string[];
  /** The policy directory the gateway reads (default: the examples', which the worker's authorizer reads). */
  readonly policiesDir?: string;
}

/** The worker a gateway serves: its data directory (identity provider) and task queue, as a GovernedTestEnv has them. */
export type GatewayTarget = Pick<GovernedTestEnv, 'dir' | 'taskQueue'>;

/**
 * `writ mcp` for `env`'s worker, run in the project directory `cwd`: it trusts the worker's
 * identity provider (the environment's data directory) and reads its policy set.
 */
export function writMcpTransport(env: GatewayTarget, cwd: string, options: WritMcpStdioOptions = {}): StdioClientTransport {
  const { address, namespace } = testTemporal();
  return new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--module', WORKER_MODULE, ...(options.options ?? [])],
    cwd,
    env: {
      PATH: process.env['PATH'] ?? '',
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      WRIT_TASK_QUEUE: env.taskQueue,
      WRIT_DATA_DIR: env.dir,
      WRIT_POLICIES_DIR: options.policiesDir ?? EXAMPLE_POLICIES,
      ...(options.credential === undefined ? {} : { WRIT_MCP_CREDENTIAL: options.credential }),
    },
    stderr: 'pipe',
  });
}

/** A bound credential for `who` (the treasurer unless told) in `cwd`, as `writ token --bind` writes it. */
export async function agentCredential(env: Pick<GovernedTestEnv, 'idp'>, cwd: string, name: string, who: { principal: string; groups: string[] } = TREASURER): Promise<string> {
  const file = join(cwd, `${name}.credential.json`);
  writeBoundCredentialFile(file, await env.idp.mintBoundCredential({ principal: who.principal, groups: who.groups }));
  return file;
}

/** An MCP client connected to a fresh `writ mcp`; `session()` is the session run's id once the gateway has named it on stderr. */
export async function connectedAgent(env: GatewayTarget, cwd: string, options: WritMcpStdioOptions): Promise<{ client: Client; session: () => string; stderr: () => string }> {
  const transport = writMcpTransport(env, cwd, options);
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'writ-test-agent', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    session: () => {
      const id = /session (writ-mcp-[0-9a-f-]+)/.exec(stderr)?.[1];
      if (id === undefined) throw new Error(`writ mcp has not named its session: ${stderr}`);
      return id;
    },
    stderr: () => stderr,
  };
}
