import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { AuditKeySet, buildBundle, fetchRuns, policySetEvidence, verifyBundle } from '../../../core/audit';
import type { BenchGovernance } from '../benchGovernance';
import { round } from '../stats';

/** The audit section: how fast the offline checker verifies a recorded governed history. */
export type AuditReport =
  | {
      readonly status: 'measured';
      readonly runs: number;
      /** Governed steps in the history (at least the requested number, 1,000 by default). */
      readonly steps: number;
      readonly artifactsVerified: number;
      readonly receiptsVerified: number;
      /** True when the checker found nothing: a history Writ wrote must pass its own audit. */
      readonly passed: boolean;
      readonly findings: number;
      readonly seconds: number;
      readonly artifactsPerSecond: number;
      /** Replay (determinism against the workflow code) is a separate cost, not timed here. */
      readonly replay: false;
    }
  | { readonly status: 'skipped'; readonly reason: string };

/** Where the governed history is and whose keys and policies it was made under. */
export interface AuditBenchInput {
  readonly address: string;
  readonly namespace: string;
  readonly workflowIds: readonly string[];
  /** K, to count the steps the history holds. */
  readonly stepsPerWorkflow: number;
  readonly governance: BenchGovernance;
}

/**
 * Times the auditor's offline checker: the governed runs the end-to-end phase left on the
 * server are exported into an evidence bundle (Temporal history JSON, the key set with its
 * signing periods, the policy set), exactly what `writ audit export` writes, and the
 * bundle is verified with no server, replay off. Only the verification is timed, after an
 * untimed pass over a few runs; artifacts verified per second is the headline.
 */
export async function runAuditBench(input: AuditBenchInput, progress: (line: string) => void): Promise<AuditReport> {
  const connection = await Connection.connect({ address: input.address });
  try {
    const client = new Client({ connection, namespace: input.namespace });
    progress(`audit: exporting ${input.workflowIds.length} governed runs`);
    const runs = await fetchRuns(client, { workflowIds: input.workflowIds, related: false, maxRuns: input.workflowIds.length });
    const bundle = buildBundle(runs, {
      namespace: input.namespace,
      keys: AuditKeySet.fromKeyRecords(input.governance.keyRecords()),
      policySets: [policySetEvidence(input.governance.policies.current().policySet)],
    });
    await verifyBundle({ ...bundle, runs: bundle.runs.slice(0, 3) }, { replay: false });
    const started = performance.now();
    const verdict = await verifyBundle(bundle, { replay: false });
    const seconds = (performance.now() - started) / 1000;
    if (!verdict.passed) progress(`audit: the checker reported ${verdict.findings} finding(s) on the benchmark's own history`);
    return {
      status: 'measured',
      runs: runs.length,
      steps: runs.length * input.stepsPerWorkflow,
      artifactsVerified: verdict.artifactsVerified,
      receiptsVerified: verdict.receiptsVerified ?? 0,
      passed: verdict.passed,
      findings: verdict.findings,
      seconds: round(seconds, 3),
      artifactsPerSecond: round(verdict.artifactsVerified / seconds),
      replay: false,
    };
  } finally {
    await connection.close();
  }
}
