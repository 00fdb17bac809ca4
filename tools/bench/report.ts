import type { AuditReport } from './audit/runAuditBench';
import type { PostgresInfo } from './benchPostgres';
import type { E2eReport } from './e2e/runE2e';
import type { MachineInfo, Versions } from './machine';
import type { McpReport } from './mcp/runMcpBench';
import type { ConsoleReport } from './console/runConsoleBench';
import type { MicroReport } from './micro/runMicro';
import { VARIANT_NAMES } from './e2e/variants';
import { round } from './stats';

/** Identifies the JSON document's shape; bumped when a field changes meaning. */
export const BENCH_REPORT_SCHEMA = 'writ-bench/1';

/** A section that ran, or why it did not. */
export type Section<T> = ({ readonly status: 'measured' } & T) | { readonly status: 'skipped'; readonly reason: string };

/** One target of the issue, judged on this run (null when its section did not run). */
export interface TargetResult {
  readonly name: string;
  readonly target: string;
  readonly value: number | null;
  readonly met: boolean | null;
  /**
   * For a latency target: the least the operation can cost on this machine with the
   * primitives it must use, measured in the same run (the Ed25519 one-shot with a cached
   * key, the bare Cedar call), and what it is made of; null where there is none.
   */
  readonly floor: { readonly value: number; readonly of: string } | null;
}

/** The decision path's and the audit's targets: what governance may cost per step and how fast an audit must go. */
export const TARGETS = {
  authorizeP50Us: 80,
  verifyP50Us: 60,
  /** p99 at most this many times p50. */
  p99OverP50: 2,
  auditArtifactsPerSecond: 5000,
  /** With authorization as an activity of its own: its floor is the two-activity step. */
  governedOverTwoActivity: 0.95,
  /** With authorization as a local activity: no second recorded activity, so the plain action is the baseline. */
  governedLocalOverUngoverned: 0.8,
} as const;

/** The one JSON document `npm run bench -- --json` prints. */
export interface BenchReport {
  readonly schema: typeof BENCH_REPORT_SCHEMA;
  readonly startedAt: string;
  readonly durationSeconds: number;
  /** The command line that reproduces this run. */
  readonly command: string;
  readonly machine: MachineInfo;
  readonly versions: Versions;
  readonly config: {
    readonly workflows: number;
    readonly steps: number;
    readonly warmupWorkflows: number;
    readonly rounds: number;
    readonly auditSteps: number;
    readonly iterations: number;
    readonly warmupIterations: number;
    /** Whether the PostgreSQL store was measured beside the SQLite one (false: `--no-postgres`). */
    readonly postgres: boolean;
    /** Whether the dev server dispatched activities eagerly (`--eager-activities`). */
    readonly eagerActivities: boolean;
    /** Approvals waiting while the console was timed (`--console-pending`), and timed requests per path (`--console-requests`). */
    readonly consolePending: number;
    readonly consoleRequests: number;
  };
  /** The throw-away PostgreSQL the `-postgres` figures were measured on. */
  readonly postgres: Section<PostgresInfo>;
  readonly micro: Section<MicroReport>;
  readonly e2e: Section<E2eReport>;
  readonly audit: AuditReport;
  /** An upstream MCP tool call through `writ mcp` (governed) beside the same call made directly. */
  readonly mcp: Section<McpReport>;
  /** The console's pending list with many approvals waiting, beside the call it is built on and a static asset. */
  readonly console: Section<ConsoleReport>;
  readonly targets: readonly TargetResult[];
}

/** The issue's targets, judged against a run's figures. */
export function judgeTargets(micro: Section<MicroReport>, e2e: Section<E2eReport>, audit: AuditReport): TargetResult[] {
  const result = (name: string) => (micro.status === 'measured' ? micro.results.find((r) => r.name === name) : undefined);
  const p50 = (name: string): number | null => result(name)?.p50Us ?? null;
  const spread = (name: string): number | null => {
    const r = result(name);
    return r === undefined || r.p50Us === 0 ? null : round(r.p99Us / r.p50Us, 2);
  };
  const atMost = (value: number | null, limit: number): boolean | null => (value === null ? null : value <= limit);
  const floorOf = (parts: readonly string[]): TargetResult['floor'] => {
    const values = parts.map(p50);
    if (values.some((value) => value === null)) return null;
    return { value: round((values as number[]).reduce((sum, value) => sum + value, 0)), of: parts.map((part) => `${part} p50`).join(' + ') };
  };
  const ratio = e2e.status === 'measured' ? e2e.ratios.governedOverTwoActivity : null;
  const localRatio = e2e.status === 'measured' ? e2e.ratios.governedLocalOverUngoverned : null;
  const auditRate = audit.status === 'measured' ? audit.artifactsPerSecond : null;
  return [
    { name: 'governed throughput / two-activity throughput', target: `>= ${TARGETS.governedOverTwoActivity}`, value: ratio, met: ratio === null ? null : ratio >= TARGETS.governedOverTwoActivity, floor: null },
    { name: 'authorize (validate + decide + mint) p50, µs', target: `<= ${TARGETS.authorizeP50Us}`, value: p50('authorize'), met: atMost(p50('authorize'), TARGETS.authorizeP50Us), floor: floorOf(['cedar-decide', 'ed25519-sign']) },
    { name: 'authorize p99 / p50', target: `<= ${TARGETS.p99OverP50}`, value: spread('authorize'), met: atMost(spread('authorize'), TARGETS.p99OverP50), floor: null },
    { name: 'enforcement verification p50, µs', target: `<= ${TARGETS.verifyP50Us}`, value: p50('verify'), met: atMost(p50('verify'), TARGETS.verifyP50Us), floor: floorOf(['ed25519-verify']) },
    { name: 'enforcement verification p99 / p50', target: `<= ${TARGETS.p99OverP50}`, value: spread('verify'), met: atMost(spread('verify'), TARGETS.p99OverP50), floor: null },
    { name: 'audit, artifacts verified per second (offline, replay off)', target: `>= ${TARGETS.auditArtifactsPerSecond}`, value: auditRate, met: auditRate === null ? null : auditRate >= TARGETS.auditArtifactsPerSecond, floor: null },
    {
      name: 'governed-local throughput / ungoverned throughput (authorization as a local activity)',
      target: `>= ${TARGETS.governedLocalOverUngoverned}`,
      value: localRatio,
      met: localRatio === null ? null : localRatio >= TARGETS.governedLocalOverUngoverned,
      floor: null,
    },
  ];
}

/** The report as Markdown tables: what the README's "Benchmarks" section shows. */
export function renderMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  const { machine, versions } = report;
  lines.push(
    `${machine.cpus} × ${machine.cpuModel}, ${Math.round(machine.totalMemoryMiB / 1024)} GiB, ${machine.platform} ${machine.release} (load ${machine.loadAverageAtStart} at start); ` +
      `Node ${versions.node}, OpenSSL ${versions.openssl}, ${versions.temporalCli}, SDK ${versions.temporalSdk}, Cedar ${versions.cedar}, jose ${versions.jose}, zod ${versions.zod}.`,
    '',
    `Governance stores: SQLite ${versions.sqlite} (a file, WAL, synchronous FULL); ` +
      (report.postgres.status === 'measured'
        ? `PostgreSQL ${report.postgres.version}, a throw-away cluster on ${report.postgres.host} (fsync on, pool of ${report.postgres.poolSize}).`
        : `PostgreSQL not measured (${report.postgres.reason}).`),
    '',
  );
  if (report.micro.status === 'measured') {
    const micro = report.micro;
    lines.push(`Decision path, in process (${micro.iterations} iterations in ${micro.passes} interleaved passes, after ${micro.warmupIterations} warm-up; µs):`, '');
    // PostgreSQL's own processes do the work of its cases: their CPU per op is a column of its own.
    const withPostgres = micro.results.some((result) => result.postgresCpuUs !== undefined);
    lines.push(
      `| operation | p50 | p99 | CPU/op |${withPostgres ? ' PostgreSQL CPU/op |' : ''} what one iteration does |`,
      `|---|---:|---:|---:|${withPostgres ? '---:|' : ''}---|`,
    );
    for (const result of micro.results) {
      const server = withPostgres ? ` ${result.postgresCpuUs ?? '-'} |` : '';
      lines.push(`| \`${result.name}\` | ${result.p50Us} | ${result.p99Us} | ${result.cpuUs} |${server} ${result.description} |`);
    }
    lines.push('');
  }
  if (report.e2e.status === 'measured') {
    const e2e = report.e2e;
    lines.push(
      `End to end, same dev server, N = ${e2e.workflows} concurrent workflows × K = ${e2e.stepsPerWorkflow} steps, ${e2e.rounds} round(s) after ${e2e.warmupWorkflows} warm-up workflows per variant:`,
      '',
    );
    const withPostgres = report.postgres.status === 'measured';
    lines.push(
      `| variant | steps/s | step p50 (ms) | step p99 (ms) | CPU ms/step, bench process | CPU ms/step, server |${withPostgres ? ' CPU ms/step, PostgreSQL |' : ''} history bytes/step |`,
      `|---|---:|---:|---:|---:|---:|${withPostgres ? '---:|' : ''}---:|`,
    );
    for (const name of VARIANT_NAMES) {
      const variant = e2e.variants[name];
      if (variant === undefined) continue;
      const cpu = variant.cpuMsPerStep;
      lines.push(
        `| \`${name}\` | ${variant.stepsPerSecond} | ${variant.stepLatencyMs.p50} | ${variant.stepLatencyMs.p99} | ${cpu.bench} | ${cpu.server ?? '-'} |${withPostgres ? ` ${cpu.postgres ?? '-'} |` : ''} ${variant.historyBytesPerStep} |`,
      );
    }
    const { sameBytes, ratios } = e2e;
    lines.push(
      '',
      `governed / two-activity = **${ratios.governedOverTwoActivity}**, governed / two-activity-same-bytes = **${ratios.governedOverTwoActivitySameBytes}**, ` +
        `governed / ungoverned = **${ratios.governedOverUngoverned}**, governed / governed-log-off = **${ratios.governedOverGovernedLogOff}**, ` +
        `governed-local / ungoverned = **${ratios.governedLocalOverUngoverned}**, governed-local / two-activity = **${ratios.governedLocalOverTwoActivity}**, ` +
        `governed-local / governed = **${ratios.governedLocalOverGoverned}**` +
        (ratios.governedPostgresOverGoverned === null
          ? ' (throughput). '
          : `, governed-postgres / governed = **${ratios.governedPostgresOverGoverned}**, governed-postgres / two-activity = **${ratios.governedPostgresOverTwoActivity}** (throughput). `) +
        `\`two-activity-same-bytes\` carries a governed step's bytes: ${sameBytes.authorizeRequestExtra} B of authorize request beyond the arguments, a ${sameBytes.authorizeResult} B authorize result, ` +
        `a ${sameBytes.artifact} B artifact and a ${sameBytes.receipt} B receipt.`,
      '',
    );
  }
  const audit = report.audit;
  lines.push(
    audit.status === 'measured'
      ? `Audit, offline checker (replay off) over an exported history of ${audit.runs} runs and ${audit.steps} governed steps: ` +
          `**${audit.artifactsPerSecond} artifacts verified per second** with ${audit.signatureThreads} signature thread(s) on ${audit.cores} cores (${audit.artifactsPerSecondPerCore} per core; ` +
          `${audit.artifactsVerified} artifacts and ${audit.receiptsVerified} receipts in ${audit.seconds} s), ${audit.singleThread.artifactsPerSecond} per second on one thread (${audit.singleThread.artifactsPerSecondPerCore} per core; ${audit.singleThread.seconds} s); ` +
          `${audit.passed ? 'no findings' : `${audit.findings} findings`}${audit.sameVerdict ? ', the same verdict both ways' : ', **the threaded and single-threaded verdicts differ**'}; ` +
          `target >= ${audit.target} per second: ${audit.met ? 'met' : '**not met**'}.`
      : `Audit: skipped (${audit.reason}).`,
    '',
  );
  if (report.mcp.status === 'measured') {
    const mcp = report.mcp;
    lines.push(
      `An upstream MCP tool call (\`${mcp.tool}\` of @modelcontextprotocol/server-filesystem, one small file), ${mcp.calls} calls each way after ${mcp.warmupCalls} warm-up, interleaved; ms as the agent's MCP client saw them:`,
      '',
      '| path | p50 | p99 | mean |',
      '|---|---:|---:|---:|',
      `| direct: the MCP client to the upstream | ${mcp.direct.p50} | ${mcp.direct.p99} | ${mcp.direct.mean} |`,
      `| governed: the MCP client to \`writ mcp\`, a governed step per call | ${mcp.governed.p50} | ${mcp.governed.p99} | ${mcp.governed.mean} |`,
      `| declared: the same gateway calling \`benchEcho\`, a governed step that does nothing | ${mcp.declared.p50} | ${mcp.declared.p99} | ${mcp.declared.mean} |`,
      '',
      `Governing one call costs **${mcp.overheadP50Ms} ms** at p50; reaching the upstream adds **${mcp.upstreamOverDeclaredP50Ms} ms** to a governed step.`,
      '',
    );
  }
  if (report.console.status === 'measured') {
    const c = report.console;
    lines.push(
      `The console's pending list with ${c.pending} approvals waiting, ${c.requests} requests each after ${c.warmupRequests} warm-up, interleaved, one at a time; ms as an HTTP client with the operator's session saw them:`,
      '',
      '| request | p50 | p99 | mean |',
      '|---|---:|---:|---:|',
      `| the pending page, \`GET /\` | ${c.page.p50} | ${c.page.p99} | ${c.page.mean} |`,
      `| its live list, \`GET /api/pending\` | ${c.live.p50} | ${c.live.p99} | ${c.live.mean} |`,
      `| baseline: \`OperatorConsole.pending()\` in the bench's process | ${c.pendingCall.p50} | ${c.pendingCall.p99} | ${c.pendingCall.mean} |`,
      `| baseline: a static asset of the console, \`GET /assets/console.css\` | ${c.asset.p50} | ${c.asset.p99} | ${c.asset.mean} |`,
      '',
    );
  }
  lines.push('| target | wanted | this run | floor on this machine | met |', '|---|---|---:|---|---|');
  for (const target of report.targets) {
    const floor = target.floor === null ? '-' : `${target.floor.value} (${target.floor.of})`;
    lines.push(`| ${target.name} | ${target.target} | ${target.value ?? '-'} | ${floor} | ${target.met === null ? '-' : target.met ? 'yes' : 'no'} |`);
  }
  return `${lines.join('\n')}\n`;
}
