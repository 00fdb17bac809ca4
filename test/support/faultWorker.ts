#!/usr/bin/env node
// A governed worker for fault tests, run as its own OS process (dist/test/support/faultWorker.js)
// so a test can SIGKILL it at a chosen point of a governed step. Production code has no
// test hooks: the points are reached through what the worker is given (its signer, its
// identity check, its action set), each of which marks a file latch and may wait on it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { NativeConnection } from '@temporalio/worker';
import { defineAction } from '../../core/actions/defineAction';
import { loadConfig } from '../../core/config/writConfig';
import { sha256Digest } from '../../core/canonical/digest';
import { WritError } from '../../core/errors/writError';
import { openGovernance } from '../../core/runtime/openGovernance';
import { loadTemporalTarget, toConnectionOptions } from '../../core/server/temporalTarget';
import { openExampleStores } from '../../examples/exampleStores';
import { createExampleActions } from '../../examples/exampleActions';
import { createGovernedWorker } from '../../worker/createGovernedWorker';
import { bundleGovernedWorkflows, type GovernedBundle } from '../../worker/bundleGovernedWorkflows';
import { installRuntimeLogging } from '../../worker/runtimeLogging';
import type { IdentityCheck } from '../../activities/governanceDeps';
import type { GovernanceStore } from '../../core/governance/governanceStore';
import { AUTHORIZE_ACTIVITY } from '../../core/protocol/authorizeContract';
import { FaultLatch } from './faultLatch';
import type { EvidenceLog } from '../../core/log/evidence/evidenceLog';
import type { EvidenceEntry } from '../../core/log/entries/evidenceEntry';

/**
 * The points of a governed step the fault worker can stop at, reached through what the
 * worker is given (its identity check, its authorization and receipt signers, its actions):
 * - `authorize-start`: `writ.authorize` began, nothing decided (its identity check);
 * - `authorize-sign`: the decision is a permit, the artifact not yet signed;
 * - `authorize-logged`: the artifact minted, the run's chain advanced to it and the artifact
 *   durably in the evidence log, authorize not yet returned (the artifact is written to
 *   `<latch dir>/authorize-logged.artifact` first, so a test can follow what became of it);
 * - `action-body`: the artifact verified, the action body started, no side effect yet;
 * - `receipt-sign`: the action body returned (side effect done), the receipt not yet signed.
 */
export const FAULT_POINTS = ['authorize-start', 'authorize-sign', 'authorize-logged', 'action-body', 'receipt-sign'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

/** Environment the fault worker reads besides Writ's own (WRIT_DATA_DIR, WRIT_TASK_QUEUE, ...). */
export const FAULT_ENV = {
  /** Directory of the file latches. */
  latchDir: 'WRIT_FAULT_LATCH_DIR',
  /** Comma-separated points to hold at until the test releases them. */
  hold: 'WRIT_FAULT_HOLD',
  /** Comma-separated points where the signer is unavailable (only the signing points). */
  fail: 'WRIT_FAULT_FAIL',
  /** File holding the bundled fault workflows (see writeFaultBundle). */
  bundle: 'WRIT_FAULT_BUNDLE',
  /** The worker's `authorization` setting (`activity` or `local`; default activity). */
  authorization: 'WRIT_FAULT_AUTHORIZATION',
} as const;

/** The fault workflows' module, bundled once by a test and shared by its worker processes. */
export const FAULT_WORKFLOWS = require.resolve('./faultWorkflows');

/** Bundles the fault workflows (a test does it once and hands the code to its worker processes). */
export async function bundleFaultWorkflows(): Promise<GovernedBundle> {
  return bundleGovernedWorkflows(FAULT_WORKFLOWS);
}

function currentActivityType(): string | undefined {
  try {
    return Context.current().info.activityType;
  } catch {
    return undefined;
  }
}

function listEnv(name: string): Set<string> {
  return new Set((process.env[name] ?? '').split(',').filter((point) => point !== ''));
}

async function main(): Promise<void> {
  installRuntimeLogging('ERROR');
  const config = loadConfig();
  const latch = new FaultLatch(process.env[FAULT_ENV.latchDir] ?? join(config.dataDir, 'latches'));
  const hold = listEnv(FAULT_ENV.hold);
  const fail = listEnv(FAULT_ENV.fail);
  const at = async (point: FaultPoint) => {
    if (hold.has(point)) await latch.hold(point);
    else latch.reach(point);
    if (fail.has(point)) throw new WritError('SIGNER_UNAVAILABLE', `signer unavailable at ${point} (fault injected)`);
  };

  const governance = await openGovernance(config);
  const { signer, receiptSigner } = governance;
  if (signer === undefined || receiptSigner === undefined) throw new Error('the fault worker authorizes and executes: run it in role all');
  const stores = openExampleStores(join(config.dataDir, 'examples'));
  const actions = createExampleActions(stores);
  const transfer = actions.transferFunds;
  const faultActions = {
    ...actions,
    transferFunds: defineAction({
      description: transfer.description,
      input: transfer.input,
      resource: transfer.resource,
      maxAttempts: transfer.maxAttempts,
      execute: async (input, context) => {
        await at('action-body');
        return transfer.execute(input, context);
      },
    }),
  };
  const identity = governance.identity;
  const faultIdentity: IdentityCheck = {
    verifyStatement: (token, audience) => identity.verifyStatement(token, audience),
    verify: (token) => identity.verify(token),
    requireUnexpired: (registered) => identity.requireUnexpired(registered),
    verifyStartProof: (proof, start) => identity.verifyStartProof(proof, start),
  };
  const bundleFile = process.env[FAULT_ENV.bundle];
  const workflows: GovernedBundle =
    bundleFile === undefined
      ? await bundleFaultWorkflows()
      : (() => {
          const code = readFileSync(bundleFile, 'utf8');
          return { bundle: { code }, codeDigest: sha256Digest(code) };
        })();
  const target = loadTemporalTarget();
  const connection = await NativeConnection.connect(toConnectionOptions(target));
  const worker = await createGovernedWorker({
    connection,
    namespace: target.namespace,
    taskQueue: config.taskQueue,
    workflows,
    actions: faultActions,
    policies: governance.policies,
    signer: async () => {
      await at('authorize-sign');
      return signer();
    },
    receiptSigner: async () => {
      await at('receipt-sign');
      return receiptSigner();
    },
    trustedKeys: governance.trustedKeys,
    identity: faultIdentity,
    governance: withAuthorizeStartFault(governance.store, at),
    evidenceLog: withAuthorizeLoggedFault(governance.evidenceLog, latch, at),
    window: config.artifacts,
    workerBuildId: config.workerBuildId,
    ...(process.env[FAULT_ENV.authorization] === 'local' ? { authorization: 'local' as const } : {}),
  });
  process.stdout.write(`writ worker: serving task queue ${config.taskQueue}\n`);
  try {
    await worker.run();
  } finally {
    await governance.close();
    stores.close();
    await connection.close();
  }
}

/**
 * The store, with the fault point `authorize-start` where authorize first reads it (the
 * run's registration), before it has decided or minted anything.
 */
function withAuthorizeStartFault(store: GovernanceStore, at: (point: FaultPoint) => Promise<void>): GovernanceStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'registeredRun') return Reflect.get(target, name, receiver) as unknown;
      return async (namespace: string, runId: string) => {
        if (currentActivityType() === AUTHORIZE_ACTIVITY) await at('authorize-start');
        return target.registeredRun(namespace, runId);
      };
    },
  });
}

/**
 * The evidence log, with the fault point `authorize-logged` after an artifact's append is
 * durable, inside writ.authorize: everything an authorization does is done, nothing of it
 * returned to the workflow.
 */
function withAuthorizeLoggedFault(log: EvidenceLog, latch: FaultLatch, at: (point: FaultPoint) => Promise<void>): EvidenceLog {
  return new Proxy(log, {
    get(target, name, receiver) {
      if (name !== 'append') return Reflect.get(target, name, receiver) as unknown;
      return async (entry: EvidenceEntry) => {
        const logged = await target.append(entry);
        if (entry.kind === 'artifact' && currentActivityType() === AUTHORIZE_ACTIVITY) {
          writeFileSync(join(latch.dir, 'authorize-logged.artifact'), entry.evidence);
          await at('authorize-logged');
        }
        return logged;
      };
    },
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`writ fault worker: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
