import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { GovernedActions } from '../core/actions/types';
import { loadConfig, type WritConfig } from '../core/config/writConfig';
import type { WritRole } from '../core/config/writRole';
import { WritPlugin } from '../core/plugin/writPlugin';
import type { OpenUpstreams } from '../mcp/upstream/openUpstreams';
import { openGovernance, type Governance } from '../core/runtime/openGovernance';
import { loadTemporalTarget, toConnectionOptions, type TemporalTarget } from '../core/server/temporalTarget';

/**
 * A project's governed worker, as `writ worker --module <file>` loads it (export it as
 * `writWorker`): the governed actions, and the workflows and ungoverned activities the
 * executors run. The same definition serves every role; the role decides what of it runs.
 */
export interface WritWorkerDefinition {
  /** The governed actions (declared with `defineAction`), or a function making them once the worker starts. */
  readonly actions: GovernedActions | (() => GovernedActions | Promise<GovernedActions>);
  /** The workflows module executors bundle (e.g. `require.resolve('./workflows')`); an authorizer runs none. */
  readonly workflowsPath?: string;
  /** Ungoverned activities executors also serve, each named in the configuration's `exemptActivities`. */
  readonly exemptActivities?: Readonly<Record<string, (...args: never[]) => Promise<unknown>>>;
  /** Releases what `actions` opened (stores, connections), after the worker stops. */
  readonly close?: () => void | Promise<void>;
}

/** Where and how `startWritWorker` runs; everything defaults to the configuration. */
export interface StartWritWorkerOptions {
  /** The configuration (default `loadConfig()`: writ.config.json and WRIT_* variables); its `role` decides. */
  readonly config?: WritConfig;
  /** The Temporal server (default: Temporal's client configuration, `loadTemporalTarget()`). */
  readonly target?: TemporalTarget;
  /** The embedded dev server's address, when the target is the embedded server. */
  readonly address?: string;
  /** A workflow bundle made with the plugin, instead of bundling `workflowsPath`. */
  readonly workflowBundle?: WorkflowBundleOption;
  /**
   * Whether missing keys and the evidence log are made on first start (default: only when
   * no `identity` is configured, see openGovernance). `writ dev` trusts its development
   * provider through a configured JWKS URL and still makes them.
   */
  readonly createKeys?: boolean;
}

/** A started governed worker and what it holds open. */
export interface StartedWritWorker {
  /** The Temporal worker, created and not yet running. */
  readonly worker: Worker;
  /** The role it runs in, from the configuration. */
  readonly role: WritRole;
  /** The task queue it polls: the authorizer task queue for an authorizer, else `taskQueue`. */
  readonly taskQueue: string;
  /** The namespace it serves. */
  readonly namespace: string;
  /** The trust material opened for its role (see `openGovernance`). */
  readonly governance: Governance;
  /** Its connection to Temporal. */
  readonly connection: NativeConnection;
  /** Runs the worker until it is shut down (SIGINT, SIGTERM or `worker.shutdown()`), then closes everything. */
  run(): Promise<void>;
  /** Closes the governance, the definition's resources and the connection (after the worker stopped). */
  close(): Promise<void>;
}

/**
 * Starts a governed worker for `definition` in the configured role, with one WritPlugin:
 *
 * - `authorizer`: holds the authorization key, the policies and the action declarations
 *   (their input schemas and resource derivation decide), and serves only
 *   `writ.authorize`, on `authorizerTaskQueue`; no workflows, no action bodies.
 * - `executor`: holds the authorization keys' published set (`trustedKeysFile`) and its
 *   own receipt key; runs the workflows, the enforcement point, the action bodies and
 *   Writ's other activities on `taskQueue`, and sends authorization to `authorizerTaskQueue`.
 * - `all` (the development default): both, on `taskQueue`.
 *
 * When the configuration names upstream MCP servers (`mcp.upstreams`), their tools are
 * governed actions of this worker too (`mcp:<server>:<tool>`), called through MCP clients
 * it opens at start and closes with it; one it cannot reach fails the start
 * (MCP_UPSTREAM_UNAVAILABLE).
 */
export async function startWritWorker(definition: WritWorkerDefinition, options: StartWritWorkerOptions = {}): Promise<StartedWritWorker> {
  const config = options.config ?? loadConfig();
  const role = config.role;
  const target = options.target ?? loadTemporalTarget();
  const governance = await openGovernance(config, options.createKeys === undefined ? {} : { createKeys: options.createKeys });
  let connection: NativeConnection | undefined;
  let upstreams: OpenUpstreams | undefined;
  try {
    const declared = typeof definition.actions === 'function' ? await definition.actions() : definition.actions;
    // Upstream MCP servers' tools are governed actions too: this worker holds their clients.
    // (The MCP client loads only when there are upstreams.)
    upstreams = config.mcp.upstreams.length === 0 ? undefined : await (require('../mcp/upstream/openUpstreams') as typeof import('../mcp/upstream/openUpstreams')).openUpstreams(config.mcp.upstreams, config.projectRoot);
    const actions = { ...declared, ...upstreams?.actions };
    connection = await NativeConnection.connect(toConnectionOptions(target, options.address));
    const authorizes = role === 'authorizer';
    const writ = new WritPlugin({
      role,
      authorizerTaskQueue: config.authorizerTaskQueue,
      actions,
      governance,
      // An authorizer serves writ.authorize alone; ungoverned activities run on executors.
      exemptActivities: authorizes ? [] : config.exemptActivities,
      artifacts: config.artifacts,
      workerBuildId: config.workerBuildId,
      authorization: config.authorization,
      // Passkey statements verify against the console's trust; the kinds accepted are the operators' setting.
      operators: { statements: config.operators.statements, passkeyTrust: config.console.passkeys },
    });
    const taskQueue = authorizes ? config.authorizerTaskQueue : config.taskQueue;
    const workflows = authorizes
      ? {}
      : options.workflowBundle !== undefined
        ? { workflowBundle: options.workflowBundle }
        : definition.workflowsPath !== undefined
          ? { workflowsPath: definition.workflowsPath }
          : {};
    const worker = await Worker.create({
      connection,
      namespace: target.namespace,
      taskQueue,
      ...workflows,
      ...(authorizes ? {} : { activities: definition.exemptActivities ?? {} }),
      plugins: [writ],
    });
    const opened = connection;
    let closed: Promise<void> | undefined;
    const close = () =>
      (closed ??= (async () => {
        await governance.close();
        await definition.close?.();
        await upstreams?.close();
        await opened.close();
      })());
    return {
      worker,
      role,
      taskQueue,
      namespace: target.namespace,
      governance,
      connection: opened,
      async run() {
        try {
          await worker.run();
        } finally {
          await close();
        }
      },
      close,
    };
  } catch (error) {
    await governance.close();
    await definition.close?.();
    await upstreams?.close();
    await connection?.close();
    throw error;
  }
}
