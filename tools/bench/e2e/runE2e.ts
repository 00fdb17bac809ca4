import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import type { GovernanceStore } from '../../../core/governance/governanceStore';
import { bundleGovernedWorkflows } from '../../../worker/bundleGovernedWorkflows';
import type { BenchGovernance } from '../benchGovernance';
import type { SameBytesSizes } from '../benchActions';
import { round, summarize } from '../stats';
import { runVariant, workflowIdFor, type BatchMeasurement, type LoadPlan } from './runVariant';
import { measureGovernedStepBytes } from './sameBytes';
import { benchVariants, GOVERNED_WORKFLOW_TYPE, POSTGRES_VARIANT, type SqliteVariantName, type VariantName } from './variants';

/** One variant's end-to-end figures, over every round. */
export interface VariantReport {
  readonly steps: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  readonly stepLatencyMs: { readonly p50: number; readonly p99: number; readonly mean: number };
  /**
   * CPU milliseconds per step: `bench` is this process (the variant's worker and the
   * client, and so the SQLite store's work), `server` the dev server, `postgres` the
   * PostgreSQL server's processes (each null where it cannot be read or did not run).
   * These move much less than throughput when other programs load the machine.
   */
  readonly cpuMsPerStep: { readonly bench: number; readonly server: number | null; readonly postgres: number | null };
  /** History the server stores per step (one workflow's protobuf history / K): what governance adds to every write. */
  readonly historyBytesPerStep: number;
}

/** The end-to-end section of the report. */
export interface E2eReport {
  readonly workflows: number;
  readonly stepsPerWorkflow: number;
  readonly warmupWorkflows: number;
  readonly rounds: number;
  /** Every variant that ran; `governed-postgres` is absent from a run with `--no-postgres`. */
  readonly variants: Record<SqliteVariantName, VariantReport> & { readonly [POSTGRES_VARIANT]?: VariantReport };
  /** What `two-activity-same-bytes` carries per step to match a governed step, in bytes (measured on a sample artifact and receipt). */
  readonly sameBytes: SameBytesSizes;
  /**
   * Throughput ratios: 1.0 means governance costs nothing over the baseline. The target is
   * governed / two-activity; governed / two-activity-same-bytes explains it, setting apart
   * what the recorded bytes of an artifact cost from what Writ's own work costs.
   * governed-postgres / governed is what the PostgreSQL store costs over the SQLite file
   * (null, as the other PostgreSQL ratio, when `governed-postgres` did not run).
   */
  readonly ratios: {
    readonly governedOverTwoActivity: number;
    readonly governedOverTwoActivitySameBytes: number;
    readonly governedOverUngoverned: number;
    /** What write-ahead evidence costs: governed (log on) / governed-log-off. */
    readonly governedOverGovernedLogOff: number;
    /** Local authorization against the plain action: the target with `authorization: 'local'`. */
    readonly governedLocalOverUngoverned: number;
    /** Local authorization against the floor of recording authorization as an activity of its own. */
    readonly governedLocalOverTwoActivity: number;
    /** What authorizing locally gains over an authorize activity: governed-local / governed. */
    readonly governedLocalOverGoverned: number;
    readonly governedPostgresOverGoverned: number | null;
    readonly governedPostgresOverTwoActivity: number | null;
  };
}

/** Where the server is and what to run. */
export interface E2eOptions extends LoadPlan {
  readonly address: string;
  readonly namespace: string;
  /** The dev server's process, for its CPU time; undefined for a server elsewhere. */
  readonly serverPid?: number;
  /** The PostgreSQL postmaster, for the CPU time of its processes; undefined without PostgreSQL. */
  readonly postgresPid?: number | undefined;
  readonly rounds: number;
  /** Governed steps the history must hold for the audit afterwards (0: no audit). */
  readonly auditSteps: number;
  /** The PostgreSQL governance store for `governed-postgres`; undefined leaves that variant out. */
  readonly postgresStore?: GovernanceStore | undefined;
}

/** The end-to-end figures, and the governed workflows left on the server for the audit. */
export interface E2eOutcome {
  readonly report: E2eReport;
  readonly governedWorkflowIds: readonly string[];
}

const WORKFLOWS_MODULE = require.resolve('../workflows');
const QUIET_BUNDLER_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

/**
 * Runs the variants against one server, each with its own task queue and worker in
 * this process, the same N and K, one after another. With several rounds the order
 * alternates (forward, then reversed) so neither end of the run is always the same
 * variant's: over each pair of rounds every variant's mean position is the same, so a
 * drift across the run (a warming machine, a growing server database) weighs on all of
 * them alike. Each variant's figures pool its rounds. Before any variant runs, the bytes
 * `two-activity-same-bytes` must carry are measured on a governed step minted for a run
 * named as the governed variant's measured runs are.
 */
export async function runE2e(governance: BenchGovernance, options: E2eOptions, progress: (line: string) => void): Promise<E2eOutcome> {
  progress('e2e: bundling the workflows (plain and governed)');
  const plainBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_MODULE, logger: QUIET_BUNDLER_LOGGER });
  const governedBundle = await bundleGovernedWorkflows(WORKFLOWS_MODULE);
  const nativeConnection = await NativeConnection.connect({ address: options.address });
  const connection = await Connection.connect({ address: options.address });
  try {
    const runTag = randomUUID().slice(0, 8);
    const taskQueue = (name: VariantName, roundNumber: number): string => `writ-bench-${runTag}-${name}-${roundNumber}`;
    // The longest names the governed variant's measured runs get: last round, last workflow.
    const governedQueue = taskQueue('governed', options.rounds);
    const sameBytes = await measureGovernedStepBytes(governance, governedBundle, {
      namespace: options.namespace,
      taskQueue: governedQueue,
      workflowId: workflowIdFor(governedQueue, 'measured', options.workflows),
      workflowType: GOVERNED_WORKFLOW_TYPE,
      steps: options.steps,
    });
    progress(
      `e2e: a governed step carries ${sameBytes.authorizeRequestExtra} B of authorize request beyond its arguments, a ${sameBytes.authorizeResult} B authorize result, ` +
        `a ${sameBytes.artifact} B artifact and a ${sameBytes.receipt} B receipt; two-activity-same-bytes carries as many`,
    );
    const variants = benchVariants({
      nativeConnection,
      connection,
      namespace: options.namespace,
      plainBundle,
      governedBundle,
      governance,
      postgresStore: options.postgresStore,
      sameBytes,
    });
    const measured = new Map<VariantName, BatchMeasurement[]>(variants.map((variant) => [variant.name, []]));
    const pids = { server: options.serverPid, postgres: options.postgresPid };
    const historyBytes = new Map<VariantName, number>();
    const governedWorkflowIds: string[] = [];
    for (let index = 0; index < options.rounds; index += 1) {
      const order = index % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const run = await runVariant(variant, options, taskQueue(variant.name, index + 1), pids);
        const batch = run.measured;
        measured.get(variant.name)!.push(batch);
        historyBytes.set(variant.name, run.historyBytesPerStep);
        if (variant.name === 'governed') governedWorkflowIds.push(...run.workflowIds);
        progress(`e2e ${variant.name} (round ${index + 1}/${options.rounds}): ${round(batch.steps / batch.seconds)} steps/s over ${batch.steps} steps`);
      }
    }
    // The audit needs a history of auditSteps governed steps; run the shortfall, unmeasured.
    const governed = variants.find((variant) => variant.name === 'governed')!;
    for (let extra = 1; governedWorkflowIds.length * options.steps < options.auditSteps; extra += 1) {
      const missing = Math.ceil((options.auditSteps - governedWorkflowIds.length * options.steps) / options.steps);
      const plan = { workflows: Math.min(options.workflows, missing), steps: options.steps, warmupWorkflows: 0 };
      const run = await runVariant(governed, plan, `writ-bench-${runTag}-audit-${extra}`, pids);
      governedWorkflowIds.push(...run.workflowIds);
      progress(`audit: ${governedWorkflowIds.length * options.steps} of ${options.auditSteps} governed steps in history`);
    }
    const variantReports = Object.fromEntries(
      variants.map(({ name }) => [name, { ...pool(measured.get(name)!), historyBytesPerStep: Math.round(historyBytes.get(name) ?? 0) }]),
    ) as E2eReport['variants'];
    const rate = (name: SqliteVariantName): number => variantReports[name].steps / variantReports[name].seconds;
    const postgres = variantReports[POSTGRES_VARIANT];
    const postgresOver = (name: SqliteVariantName): number | null => (postgres === undefined ? null : round(postgres.steps / postgres.seconds / rate(name), 3));
    const report: E2eReport = {
      workflows: options.workflows,
      stepsPerWorkflow: options.steps,
      warmupWorkflows: options.warmupWorkflows,
      rounds: options.rounds,
      variants: variantReports,
      sameBytes,
      ratios: {
        governedOverTwoActivity: round(rate('governed') / rate('two-activity'), 3),
        governedOverTwoActivitySameBytes: round(rate('governed') / rate('two-activity-same-bytes'), 3),
        governedOverUngoverned: round(rate('governed') / rate('ungoverned'), 3),
        governedOverGovernedLogOff: round(rate('governed') / rate('governed-log-off'), 3),
        governedLocalOverUngoverned: round(rate('governed-local') / rate('ungoverned'), 3),
        governedLocalOverTwoActivity: round(rate('governed-local') / rate('two-activity'), 3),
        governedLocalOverGoverned: round(rate('governed-local') / rate('governed'), 3),
        governedPostgresOverGoverned: postgresOver('governed'),
        governedPostgresOverTwoActivity: postgresOver('two-activity'),
      },
    };
    return { report, governedWorkflowIds };
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}

function pool(batches: readonly BatchMeasurement[]): Omit<VariantReport, 'historyBytesPerStep'> {
  const steps = batches.reduce((total, batch) => total + batch.steps, 0);
  const seconds = batches.reduce((total, batch) => total + batch.seconds, 0);
  const latency = summarize(batches.flatMap((batch) => batch.stepLatenciesMs));
  const benchCpu = batches.reduce((total, batch) => total + batch.cpuMs.bench, 0);
  const total = (of: (batch: BatchMeasurement) => number | null): number | null =>
    batches.every((batch) => of(batch) !== null) ? batches.reduce((sum, batch) => sum + of(batch)!, 0) : null;
  const perStep = (ms: number | null): number | null => (ms === null ? null : round(ms / steps, 2));
  return {
    steps,
    seconds: round(seconds, 3),
    stepsPerSecond: round(steps / seconds),
    stepLatencyMs: { p50: latency.p50, p99: latency.p99, mean: round(latency.mean) },
    cpuMsPerStep: { bench: round(benchCpu / steps, 2), server: perStep(total((batch) => batch.cpuMs.server)), postgres: perStep(total((batch) => batch.cpuMs.postgres)) },
  };
}
