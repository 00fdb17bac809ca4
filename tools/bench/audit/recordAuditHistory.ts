import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { bundleGovernedWorkflows } from '../../../worker/bundleGovernedWorkflows';
import type { BenchGovernance } from '../benchGovernance';
import { runVariant } from '../e2e/runVariant';
import { governedBenchVariant } from '../e2e/variants';

/** Where to record, and how much. */
export interface AuditHistoryPlan {
  readonly address: string;
  readonly namespace: string;
  /** Governed steps the history must hold. */
  readonly auditSteps: number;
  /** K: steps per workflow. */
  readonly steps: number;
  /** N: workflows started at once. */
  readonly workflows: number;
}

const WORKFLOWS_MODULE = require.resolve('../workflows');

/**
 * Records a governed history for the audit section when the end-to-end section does not
 * run (`--only audit`): the governed variant's own worker and client run batches of N
 * workflows of K steps, unmeasured, until the history holds `auditSteps` governed steps,
 * as the end-to-end section tops up its own. Returns the workflow ids.
 */
export async function recordAuditHistory(governance: BenchGovernance, plan: AuditHistoryPlan, progress: (line: string) => void): Promise<string[]> {
  progress('audit: bundling the governed workflows');
  const governedBundle = await bundleGovernedWorkflows(WORKFLOWS_MODULE);
  const nativeConnection = await NativeConnection.connect({ address: plan.address });
  const connection = await Connection.connect({ address: plan.address });
  try {
    const variant = governedBenchVariant({ nativeConnection, connection, namespace: plan.namespace, governedBundle, governance }, 'governed', governance.governance);
    const runTag = randomUUID().slice(0, 8);
    const workflowIds: string[] = [];
    for (let batch = 1; workflowIds.length * plan.steps < plan.auditSteps; batch += 1) {
      const missing = Math.ceil((plan.auditSteps - workflowIds.length * plan.steps) / plan.steps);
      const load = { workflows: Math.min(plan.workflows, missing), steps: plan.steps, warmupWorkflows: 0 };
      const run = await runVariant(variant, load, `writ-bench-${runTag}-audit-${batch}`, {});
      workflowIds.push(...run.workflowIds);
      progress(`audit: ${workflowIds.length * plan.steps} of ${plan.auditSteps} governed steps in history`);
    }
    return workflowIds;
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}
