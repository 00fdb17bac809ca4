import { readFile } from 'node:fs/promises';
import { SimplePlugin } from '@temporalio/plugin';
import type { ClientOptions, ClientPlugin } from '@temporalio/client';
import { bundleWorkflowCode, type BundleOptions, type BundlerPlugin, type ReplayWorkerOptions, type WorkerOptions, type WorkerPlugin } from '@temporalio/worker';
import { sha256Digest } from '../canonical/digest';
import { WritError } from '../errors/writError';
import { identityInterceptor } from '../client/identityInterceptor';
import { createGovernedActivities } from '../../activities/governedActivities';
import type { GovernanceDeps } from '../../activities/governanceDeps';
import { EnforcementInterceptor } from '../../worker/enforcementInterceptor';
import { WORKFLOW_INTERCEPTORS_MARK, WORKFLOW_INTERCEPTORS_MODULE, aliasWritWorkflowSide } from '../../worker/workflowSide';
import { quietBundlerLogger } from '../../worker/quietBundlerLogger';
import { STRICT_PAYLOAD_CONVERTER_PATH, STRICT_PAYLOADS_MARK } from '../payload/strictPayloadConverterPath';
import { requireStrictPayloadConverterPath, strictDataConverter } from './strictDataConverter';
import { parseWritPluginOptions, type WritPluginOptions, type WritWorkerSettings } from './writPluginOptions';

/** The name Temporal lists this plugin under. */
export const WRIT_PLUGIN_NAME = 'writ';

/**
 * Writ as a Temporal plugin: one instance, given to `new Client({ plugins })`,
 * `Worker.create({ plugins })` and `bundleWorkflowCode({ plugins })`, governs all three.
 *
 * - Everywhere it installs Writ's payload converter (`payloadConverterPath`), which
 *   decodes JSON strictly: a duplicate member, a number that does not read back as
 *   written, a lone surrogate, a value too deep or too large is refused with its stable
 *   code, so the authorize activity, the enforcement point, the workflow and the auditor
 *   read one value from the bytes history records. Another payload converter is refused
 *   (`CONFIG_INVALID`); payload codecs and a failure converter are kept.
 * - On a client it adds the identity interceptor, so every workflow start carries the
 *   caller's identity token (`identityToken`) and, with `proofKey`, a proof of possession
 *   of the key that token is bound to, made for that start.
 * - On the bundler it adds Writ's workflow interceptor module, which verifies the
 *   initiator's identity, carries lineage and attaches each artifact to its action.
 * - On a worker it registers Writ's activities (`writ.authorize`, the identity and
 *   operator checks) and one activity per governed action, and puts the enforcement
 *   interceptor in front of every activity. With `role: 'authorizer'` it registers only
 *   `writ.authorize`; with `role: 'executor'` everything but, and the runs' authorizations
 *   are sent to `authorizerTaskQueue`. With `authorization: 'local'` (role `all` only) the
 *   runs it starts authorize as local activities on this worker. A worker given `workflowsPath` has its
 *   workflows bundled here, with Writ's module in them; a prebuilt `workflowBundle` must
 *   have been bundled with this plugin (checked, `CONFIG_INVALID` otherwise). Any other
 *   activity the worker serves must be declared in `exemptActivities`. Operators'
 *   statements are verified with `operators`: the kinds accepted (a production worker
 *   accepts only passkey statements) and the passkey trust (RP id and origins).
 *
 * Every setting is validated when the plugin is constructed (`CONFIG_INVALID` listing
 * each problem), so a misconfigured worker never starts.
 *
 * The client, bundler and replay parts are a `SimplePlugin`'s; the worker part is Writ's
 * own, because it must bundle before the worker starts (an asynchronous step).
 */
export class WritPlugin implements ClientPlugin, BundlerPlugin, WorkerPlugin {
  /** The name Temporal lists this plugin under. */
  readonly name = WRIT_PLUGIN_NAME;
  private readonly simple: SimplePlugin;
  private readonly worker: WritWorkerSettings | undefined;

  /** Validates every setting now: `CONFIG_INVALID` with one issue per problem. */
  constructor(options: WritPluginOptions = {}) {
    const settings = parseWritPluginOptions(options);
    const token = settings.identityToken;
    this.simple = new SimplePlugin({
      name: WRIT_PLUGIN_NAME,
      ...(token === undefined ? {} : { clientInterceptors: { workflow: [identityInterceptor(token, settings.proofKey)] } }),
      workerInterceptors: { workflowModules: [WORKFLOW_INTERCEPTORS_MODULE] },
    });
    this.worker = settings.worker;
  }

  /** Installs Writ's payload converter on a client, and the identity interceptor when the plugin has an `identityToken`. */
  configureClient(options: Omit<ClientOptions, 'plugins'>): Omit<ClientOptions, 'plugins'> {
    const configured = this.simple.configureClient(options as ClientOptions);
    return { ...configured, dataConverter: strictDataConverter(configured.dataConverter, 'client') };
  }

  /**
   * Adds Writ's workflow interceptor module and payload converter to a bundle, and resolves
   * `writ-governance/workflow` to the interceptors' own copy (one workflow side per bundle).
   */
  configureBundler(options: BundleOptions): BundleOptions {
    requireStrictPayloadConverterPath(options.payloadConverterPath, 'bundler.payloadConverterPath');
    const configured = this.simple.configureBundler(options);
    return { ...configured, payloadConverterPath: STRICT_PAYLOAD_CONVERTER_PATH, webpackConfigHook: aliasWritWorkflowSide(configured.webpackConfigHook) };
  }

  /** Adds Writ's workflow interceptor module and payload converter to a replay worker that bundles from `workflowsPath`. */
  configureReplayWorker(options: ReplayWorkerOptions): ReplayWorkerOptions {
    const configured = this.simple.configureReplayWorker(options);
    return { ...configured, dataConverter: strictDataConverter(configured.dataConverter, 'replayWorker') };
  }

  /**
   * Adds Writ's activities and enforcement to a worker of the plugin's role; bundles its
   * workflows with Writ's module. An authorizer's worker takes no workflows and no other
   * activities and must poll the authorizer task queue; an executor's must poll another.
   */
  async configureWorker(options: WorkerOptions): Promise<WorkerOptions> {
    const settings = this.worker;
    if (settings === undefined) {
      throw new WritError('CONFIG_INVALID', 'this WritPlugin was made for clients: give it `actions` and `governance` to configure a worker');
    }
    requireRoleTaskQueues(settings, options);
    // Activities decode their arguments with it on this thread, the bundle in the sandbox.
    const dataConverter = strictDataConverter(options.dataConverter, 'worker');
    const workflows = await this.workflowCode({ ...options, dataConverter });
    const deps = governanceDepsFrom(settings, workflows === undefined ? NO_WORKFLOW_CODE : sha256Digest(workflows));
    const governed = createGovernedActivities(deps, settings.role);
    const exempt = new Set(settings.exemptActivities);
    for (const name of Object.keys((options.activities ?? {}) as object)) {
      if (name in governed) throw new WritError('CONFIG_INVALID', `activity "${name}" collides with a governed action or one of Writ's activities`);
      // Fail at start, not at run time: an ungoverned activity must be declared by name.
      if (!exempt.has(name)) throw new WritError('CONFIG_INVALID', `activity "${name}" is not governed; declare it in the WritPlugin's exemptActivities to run it on a governed worker`);
    }
    const { workflowsPath: _bundledHere, ...rest } = options;
    const interceptors = options.interceptors ?? {};
    return {
      ...rest,
      dataConverter,
      ...(workflows === undefined ? {} : { workflowBundle: { code: workflows } }),
      activities: { ...(options.activities ?? {}), ...governed },
      interceptors: {
        ...interceptors,
        // First, so no other activity interceptor runs before the artifact is verified.
        activity: [(ctx) => ({ inbound: new EnforcementInterceptor(ctx, deps, exempt) }), ...(interceptors.activity ?? [])],
      },
    };
  }

  /** The worker's workflow code: bundled here from `workflowsPath`, or the prebuilt bundle checked. */
  private async workflowCode(options: WorkerOptions): Promise<string | undefined> {
    const bundle = options.workflowBundle;
    if (bundle !== undefined) {
      const code = 'code' in bundle ? bundle.code : await readFile(bundle.codePath, 'utf8');
      if (!code.includes(WORKFLOW_INTERCEPTORS_MARK)) {
        throw new WritError('CONFIG_INVALID', "the worker's workflowBundle lacks Writ's workflow interceptors: bundle it with bundleWorkflowCode({ plugins: [writPlugin] })");
      }
      if (!code.includes(STRICT_PAYLOADS_MARK)) {
        throw new WritError('CONFIG_INVALID', "the worker's workflowBundle lacks Writ's payload converter (it would read workflow inputs with JSON.parse): bundle it with bundleWorkflowCode({ plugins: [writPlugin] })");
      }
      return code;
    }
    if (options.workflowsPath === undefined) return undefined;
    const { code } = await bundleWorkflowCode({
      workflowsPath: options.workflowsPath,
      logger: quietBundlerLogger,
      // What the worker's own bundler would pass: every plugin's configureBundler (this
      // one adds Writ's interceptor module), the worker's modules and bundler options.
      plugins: options.plugins ?? [this],
      ...(options.interceptors?.workflowModules === undefined ? {} : { workflowInterceptorModules: options.interceptors.workflowModules }),
      ...(options.dataConverter?.payloadConverterPath === undefined ? {} : { payloadConverterPath: options.dataConverter.payloadConverterPath }),
      ...(options.dataConverter?.failureConverterPath === undefined ? {} : { failureConverterPath: options.dataConverter.failureConverterPath }),
      ...(options.bundlerOptions?.ignoreModules === undefined ? {} : { ignoreModules: options.bundlerOptions.ignoreModules }),
      ...(options.bundlerOptions?.webpackConfigHook === undefined ? {} : { webpackConfigHook: options.bundlerOptions.webpackConfigHook }),
    });
    return code;
  }
}

/**
 * The task queues a role may run on: an authorizer's worker polls the authorizer task
 * queue and runs no workflows and no other activities; an executor sends authorization to
 * another queue than its own (sharing one, each would be handed the other's tasks); role
 * `all` authorizes on its own queue. CONFIG_INVALID otherwise, before the worker starts.
 */
function requireRoleTaskQueues(settings: WritWorkerSettings, options: WorkerOptions): void {
  const named = settings.authorizerTaskQueue;
  const own = options.taskQueue;
  if (settings.role === 'authorizer') {
    if (options.workflowsPath !== undefined || options.workflowBundle !== undefined) {
      throw new WritError('CONFIG_INVALID', "an authorizer runs no workflows: give workflowsPath or workflowBundle to the executors' workers");
    }
    if (Object.keys((options.activities ?? {}) as object).length > 0) throw new WritError('CONFIG_INVALID', 'an authorizer serves writ.authorize alone: run other activities on an executor');
    if (named !== undefined && named !== own) throw new WritError('CONFIG_INVALID', `an authorizer polls the authorizer task queue "${named}", not "${own}"`);
  } else if (settings.role === 'executor') {
    if (named === undefined || named === own) {
      throw new WritError('CONFIG_INVALID', `an executor sends authorization to its authorizer's task queue: give authorizerTaskQueue, another queue than its own "${own}"`);
    }
  } else if (named !== undefined && named !== own) {
    throw new WritError('CONFIG_INVALID', `role all authorizes on its own task queue "${own}": to send authorization to "${named}", run the worker as an executor`);
  }
}

/**
 * The code digest artifacts cite when the authorizing worker runs no workflow code (its
 * workflows run on other workers): the digest of nothing, never a made-up bundle's.
 */
const NO_WORKFLOW_CODE = sha256Digest('');

/** What Writ's activities and the enforcement point run with, from validated settings. */
export function governanceDepsFrom(settings: WritWorkerSettings, codeDigest: string): GovernanceDeps {
  return {
    registry: settings.registry,
    governance: settings.governance.store,
    policies: settings.governance.policies,
    identity: settings.governance.identity,
    signer: settings.governance.signer,
    receiptSigner: settings.governance.receiptSigner,
    trustedKeys: settings.governance.trustedKeys,
    evidenceLog: settings.governance.evidenceLog,
    clock: settings.clock,
    window: settings.artifacts,
    environment: { workerBuildId: settings.workerBuildId, codeDigest },
    passkeyTrust: settings.operators.passkeyTrust,
    operatorStatements: settings.operators.statements,
    // Only an executor's runs authorize elsewhere; role all keeps today's histories exactly.
    ...(settings.role === 'executor' ? { authorizerTaskQueue: settings.authorizerTaskQueue } : {}),
    ...(settings.authorization === 'local' ? { authorization: 'local' as const } : {}),
  };
}
