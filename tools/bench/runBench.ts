import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_EAGER_ACTIVITIES, startDevServer, type DevServer } from '../../core/server/devServer';
import { findTemporalCli } from '../../core/server/findTemporalCli';
import { installRuntimeLogging } from '../../worker/runtimeLogging';
import { requirePostgresBin } from '../postgres/findPostgresBin';
import { recordAuditHistory } from './audit/recordAuditHistory';
import { runAuditBench, type AuditReport } from './audit/runAuditBench';
import type { BenchOptions } from './benchOptions';
import { openBenchGovernance } from './benchGovernance';
import { startBenchPostgres, type BenchPostgres } from './benchPostgres';
import { runE2e, type E2eReport } from './e2e/runE2e';
import { runMcpBench, type McpReport } from './mcp/runMcpBench';
import { runConsoleBench, type ConsoleReport } from './console/runConsoleBench';
import { collectVersions, describeMachine } from './machine';
import { runMicro, type MicroReport } from './micro/runMicro';
import { BENCH_REPORT_SCHEMA, judgeTargets, type BenchReport, type Section } from './report';
import { round } from './stats';

/**
 * Runs the benchmark: the decision-path micro-benchmarks in this process, then (on a dev
 * server it starts itself, in a fresh data directory) the end-to-end variants, then
 * the offline audit of the governed history they left, then one upstream MCP tool call
 * through `writ mcp` against the same call made directly, and returns the report. Progress goes to `progress`, never to stdout,
 * so `--json` output stays one document. The data directory is removed afterwards unless
 * it was given or `keepData` is set. Unless `postgres` is off, a throw-away PostgreSQL
 * is started first, for `governed-postgres` and the `-postgres` micro-benchmarks, and
 * destroyed at the end; where none is installed the bench fails (CONFIG_INVALID) before
 * measuring anything. `--only audit` records just the governed history the audit needs
 * (no PostgreSQL) and audits it.
 */
export async function runBench(options: BenchOptions, progress: (line: string) => void): Promise<BenchReport> {
  // The audit alone uses the SQLite store only: no PostgreSQL to start.
  const postgresBin = options.postgres && options.only !== 'audit' ? requirePostgresBin('pass --no-postgres to measure the SQLite governance store only') : undefined;
  const startedAt = new Date();
  const machine = describeMachine();
  const cli = findTemporalCli(options.temporalCli === undefined ? {} : { configured: options.temporalCli });
  const versions = collectVersions(cli);
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'writ-bench-'));
  installRuntimeLogging('ERROR');
  const governance = await openBenchGovernance(dataDir);
  let server: DevServer | undefined;
  let postgres: BenchPostgres | undefined;
  try {
    if (postgresBin !== undefined) {
      progress(`starting a throw-away PostgreSQL from ${postgresBin}`);
      postgres = await startBenchPostgres(postgresBin);
      progress(`PostgreSQL ${postgres.info.version} on ${postgres.info.host} (durable), pool of ${postgres.info.poolSize}`);
    }
    const only = (section: 'micro' | 'e2e' | 'mcp' | 'console' | 'audit') => options.only === undefined || options.only === section;
    let micro: Section<MicroReport> = { status: 'skipped', reason: `--only ${options.only ?? ''}` };
    if (only('micro')) {
      micro = { status: 'measured', ...(await runMicro(governance, path.join(dataDir, 'micro'), options, progress, postgres)) };
    }
    let e2e: Section<E2eReport> = { status: 'skipped', reason: `--only ${options.only ?? ''}` };
    let audit: AuditReport = { status: 'skipped', reason: only('e2e') || only('audit') ? '--audit-steps 0' : `--only ${options.only ?? ''}` };
    let mcp: Section<McpReport> = { status: 'skipped', reason: `--only ${options.only ?? ''}` };
    let consoleSection: Section<ConsoleReport> = { status: 'skipped', reason: `--only ${options.only ?? ''}` };
    if (only('e2e') || only('mcp') || only('console') || only('audit')) {
      progress(`e2e: starting a Temporal dev server in ${path.join(dataDir, 'temporal')}`);
      const eagerActivities = eagerActivitiesOf(options);
      server = await startDevServer({
        dataDir: path.join(dataDir, 'temporal'),
        cliPath: cli,
        headless: true,
        searchAttributes: { WritStatus: 'Keyword', WritPrincipal: 'Keyword' },
        eagerActivities,
      });
      const target = { address: server.address, namespace: server.namespace };
      // A kept data directory keeps the audited bundle too, to time or profile again (tools/bench/audit/timeAuditBundle).
      const bundleFile = options.keepData || options.dataDir !== undefined ? { saveBundleTo: path.join(dataDir, 'audit-bundle.json') } : {};
      if (only('e2e')) {
        const outcome = await runE2e(governance, { ...options, ...target, serverPid: server.pid, postgresStore: postgres?.governance, postgresPid: postgres?.pid() }, progress);
        e2e = { status: 'measured', ...outcome.report };
        if (options.auditSteps > 0) {
          audit = await runAuditBench({ ...target, workflowIds: outcome.governedWorkflowIds, stepsPerWorkflow: options.steps, governance, ...bundleFile }, progress);
        }
      }
      if (options.only === 'audit' && options.auditSteps > 0) {
        const workflowIds = await recordAuditHistory(governance, { ...target, auditSteps: options.auditSteps, steps: options.steps, workflows: options.workflows }, progress);
        audit = await runAuditBench({ ...target, workflowIds, stepsPerWorkflow: options.steps, governance, ...bundleFile }, progress);
      }
      if (only('mcp')) {
        // As many calls as one e2e variant's round has steps, one after another.
        const calls = options.workflows * options.steps;
        mcp = { status: 'measured', ...(await runMcpBench(governance, dataDir, { ...target, calls, warmupCalls: Math.ceil(calls / 8) }, progress)) };
      }
      if (only('console')) {
        consoleSection = { status: 'measured', ...(await runConsoleBench(governance, dataDir, { ...target, pending: options.consolePending, requests: options.consoleRequests }, progress)) };
      }
    }
    return {
      schema: BENCH_REPORT_SCHEMA,
      startedAt: startedAt.toISOString(),
      durationSeconds: round((Date.now() - startedAt.getTime()) / 1000),
      command: reproducingCommand(options),
      machine,
      versions,
      config: {
        workflows: options.workflows,
        steps: options.steps,
        warmupWorkflows: options.warmupWorkflows,
        rounds: options.rounds,
        auditSteps: options.auditSteps,
        iterations: options.iterations,
        warmupIterations: options.warmupIterations,
        postgres: options.postgres,
        eagerActivities: eagerActivitiesOf(options),
        consolePending: options.consolePending,
        consoleRequests: options.consoleRequests,
      },
      postgres: postgres === undefined ? { status: 'skipped', reason: '--no-postgres' } : { status: 'measured', ...postgres.info },
      micro,
      e2e,
      audit,
      mcp,
      console: consoleSection,
      targets: judgeTargets(micro, e2e, audit),
    };
  } finally {
    await server?.stop();
    await postgres?.close();
    await governance.close();
    if (options.dataDir === undefined && !options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The command line that runs the same measurement again. */
/** Whether the bench's dev server dispatches activities eagerly: as asked, else the embedded server's default. */
function eagerActivitiesOf(options: BenchOptions): boolean {
  return options.eagerActivities === undefined ? DEFAULT_EAGER_ACTIVITIES : options.eagerActivities === 'on';
}

function reproducingCommand(options: BenchOptions): string {
  const args = [
    `--workflows ${options.workflows}`,
    `--steps ${options.steps}`,
    `--warmup-workflows ${options.warmupWorkflows}`,
    `--rounds ${options.rounds}`,
    `--audit-steps ${options.auditSteps}`,
    `--iterations ${options.iterations}`,
    `--warmup-iterations ${options.warmupIterations}`,
    ...(options.only === undefined ? [] : [`--only ${options.only}`]),
    `--console-pending ${options.consolePending}`,
    `--console-requests ${options.consoleRequests}`,
    ...(options.postgres ? [] : ['--no-postgres']),
    `--eager-activities ${eagerActivitiesOf(options) ? 'on' : 'off'}`,
    ...(options.json ? ['--json'] : []),
  ];
  return `npm run bench -- ${args.join(' ')}`;
}
