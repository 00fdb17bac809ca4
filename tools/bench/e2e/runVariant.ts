import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { BenchWorkflowResult } from '../workflows';
import { readCpu, type ServerPids } from './cpuClock';
import type { Variant } from './variants';

/** How much work one variant does: N workflows of K steps, after a warm-up batch. */
export interface LoadPlan {
  /** N: workflows started concurrently. */
  readonly workflows: number;
  /** K: steps each workflow runs one after another. */
  readonly steps: number;
  /** Workflows of K steps run first, unmeasured, on the same worker. */
  readonly warmupWorkflows: number;
}

/** What one measured batch observed. */
export interface BatchMeasurement {
  readonly steps: number;
  readonly seconds: number;
  readonly stepLatenciesMs: readonly number[];
  /** CPU time spent during the batch: this process (worker and client), the Temporal server, PostgreSQL. */
  readonly cpuMs: { readonly bench: number; readonly server: number | null; readonly postgres: number | null };
  readonly workflowIds: readonly string[];
}

/** A variant's run: the measured batch, and every workflow it ran (warm-up included). */
export interface VariantRun {
  readonly measured: BatchMeasurement;
  readonly workflowIds: readonly string[];
  /** Size of one measured workflow's history (protobuf, as the server stores it), per step. */
  readonly historyBytesPerStep: number;
}

/**
 * Runs one variant on its own task queue with a fresh worker in this process: a warm-up
 * batch (JIT, workflow cache, connections), then the measured batch. The clock runs from
 * the first start request to the last result, so throughput counts every cost a caller
 * waits for. Any failed workflow fails the benchmark: a figure over failed steps would
 * measure the wrong thing.
 */
export async function runVariant(variant: Variant, plan: LoadPlan, taskQueue: string, pids: ServerPids): Promise<VariantRun> {
  const worker = await variant.createWorker(taskQueue);
  const client = variant.client();
  return worker.runUntil(async () => {
    const warmup = plan.warmupWorkflows > 0 ? await runBatch(client, variant, taskQueue, 'warmup', plan.warmupWorkflows, plan.steps, pids) : undefined;
    const measured = await runBatch(client, variant, taskQueue, 'measured', plan.workflows, plan.steps, pids);
    const history = await client.workflow.getHandle(measured.workflowIds[0]!).fetchHistory();
    const historyBytesPerStep = temporal.api.history.v1.History.encode(history).finish().length / plan.steps;
    return { measured, workflowIds: [...(warmup?.workflowIds ?? []), ...measured.workflowIds], historyBytesPerStep };
  });
}

async function runBatch(
  client: Client,
  variant: Variant,
  taskQueue: string,
  batch: 'warmup' | 'measured',
  workflows: number,
  steps: number,
  pids: ServerPids,
): Promise<BatchMeasurement> {
  const cpuBefore = readCpu(pids);
  const started = performance.now();
  const workflowIds = Array.from({ length: workflows }, (_, index) => workflowIdFor(taskQueue, batch, index + 1));
  const request = variant.startRequest(steps);
  const handles = await Promise.all(workflowIds.map((workflowId) => client.workflow.start(variant.workflowType, { taskQueue, workflowId, args: [request] })));
  const results = (await Promise.all(handles.map((handle) => handle.result()))) as BenchWorkflowResult[];
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = readCpu(pids);
  const spent = (before: number | null, after: number | null): number | null => (before === null || after === null ? null : after - before);
  return {
    steps: workflows * steps,
    seconds,
    stepLatenciesMs: results.flatMap((result) => result.stepLatenciesMs),
    cpuMs: { bench: cpuAfter.benchMs - cpuBefore.benchMs, server: spent(cpuBefore.serverMs, cpuAfter.serverMs), postgres: spent(cpuBefore.postgresMs, cpuAfter.postgresMs) },
    workflowIds,
  };
}

/** The id of a variant's `index`th (from 1) workflow in a batch (`warmup`, `measured`) on its task queue. */
export function workflowIdFor(taskQueue: string, batch: 'warmup' | 'measured', index: number): string {
  return `${taskQueue}-${batch}-${index}`;
}
