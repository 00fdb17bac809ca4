import { writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { AuditKeySet, buildBundle, fetchRuns, policySetEvidence, verifyBundle, type AuditVerdict, type EvidenceBundle } from '../../../core/audit';
import type { SignatureThreads } from '../../../core/audit/threads/preverifySignatures';
import { threadCount } from '../../../core/audit/threads/preverifySignatures';
import type { BenchGovernance } from '../benchGovernance';
import { TARGETS } from '../report';
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
      /** The threaded run (the default, `signatureThreads: 'auto'`). */
      readonly seconds: number;
      readonly artifactsPerSecond: number;
      /** Worker threads that verified signatures in the threaded run. */
      readonly signatureThreads: number;
      /** Cores of this machine: the threaded figure divided by them. */
      readonly cores: number;
      readonly artifactsPerSecondPerCore: number;
      /** The target for the threaded figure (artifacts per second), and whether this run met it. */
      readonly target: number;
      readonly met: boolean;
      /** The same bundle with no threads (`signatureThreads: 0`), timed the same way. */
      readonly singleThread: { readonly seconds: number; readonly artifactsPerSecond: number; readonly artifactsPerSecondPerCore: number };
      /** Whether both runs reached the same verdict (they must: the threads only share out the signatures). */
      readonly sameVerdict: boolean;
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
  /** Where to write the exported bundle (JSON, as `writ audit export` writes it), to time or profile it again; undefined writes nothing. */
  readonly saveBundleTo?: string;
}

/**
 * Times the auditor's offline checker: the governed runs the end-to-end phase left on the
 * server are exported into an evidence bundle (Temporal history JSON, the key set with its
 * signing periods, the policy set), exactly what `writ audit export` writes, and the
 * bundle is verified with no server, replay off. Only the verification is timed, after an
 * untimed pass over a few runs, twice: with the default signature threads (the headline
 * artifacts verified per second, also per core of the machine) and with none, each the
 * median of ROUNDS alternating runs, so a burst of outside load does not decide the
 * figure; every verdict must be the same.
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
    if (input.saveBundleTo !== undefined) {
      writeFileSync(input.saveBundleTo, `${JSON.stringify(bundle)}\n`);
      progress(`audit: bundle written to ${input.saveBundleTo}`);
    }
    await verifyBundle({ ...bundle, runs: bundle.runs.slice(0, 3) }, { replay: false });
    const timings: Record<'threaded' | 'single', Timed[]> = { threaded: [], single: [] };
    for (let pass = 0; pass < ROUNDS; pass += 1) {
      const order = pass % 2 === 0 ? (['threaded', 'single'] as const) : (['single', 'threaded'] as const);
      for (const kind of order) timings[kind].push(await timeVerify(bundle, kind === 'threaded' ? 'auto' : 0));
    }
    const threaded = median(timings.threaded);
    const single = median(timings.single);
    const verdict = threaded.verdict;
    const sameVerdict = [...timings.threaded, ...timings.single].every((timed) => isDeepStrictEqual(timed.verdict, verdict));
    if (!verdict.passed) progress(`audit: the checker reported ${verdict.findings} finding(s) on the benchmark's own history`);
    if (!sameVerdict) progress('audit: the threaded and the single-threaded verdicts differ');
    const cores = os.availableParallelism();
    const artifactsPerSecond = round(verdict.artifactsVerified / threaded.seconds);
    const singleRate = single.verdict.artifactsVerified / single.seconds;
    return {
      status: 'measured',
      runs: runs.length,
      steps: runs.length * input.stepsPerWorkflow,
      artifactsVerified: verdict.artifactsVerified,
      receiptsVerified: verdict.receiptsVerified ?? 0,
      passed: verdict.passed,
      findings: verdict.findings,
      seconds: round(threaded.seconds, 3),
      artifactsPerSecond,
      signatureThreads: threadCount('auto', verdict.artifactsVerified + (verdict.receiptsVerified ?? 0)),
      cores,
      artifactsPerSecondPerCore: round(artifactsPerSecond / cores),
      target: TARGETS.auditArtifactsPerSecond,
      met: artifactsPerSecond >= TARGETS.auditArtifactsPerSecond,
      singleThread: { seconds: round(single.seconds, 3), artifactsPerSecond: round(singleRate), artifactsPerSecondPerCore: round(singleRate / cores) },
      sameVerdict,
      replay: false,
    };
  } finally {
    await connection.close();
  }
}

/** Timed runs of each kind, alternating; the median counts. */
const ROUNDS = 3;

interface Timed {
  readonly seconds: number;
  readonly verdict: AuditVerdict;
}

function median(timed: readonly Timed[]): Timed {
  return [...timed].sort((a, b) => a.seconds - b.seconds)[Math.floor(timed.length / 2)]!;
}

async function timeVerify(bundle: EvidenceBundle, signatureThreads: SignatureThreads): Promise<Timed> {
  const started = performance.now();
  const verdict = await verifyBundle(bundle, { replay: false, signatureThreads });
  return { seconds: (performance.now() - started) / 1000, verdict };
}
