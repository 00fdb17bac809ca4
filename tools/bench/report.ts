import type { AuditReport } from './audit/runAuditBench';
import type { PostgresInfo } from './benchPostgres';
import type { E2eReport } from './e2e/runE2e';
import type { MachineInfo, Versions } from './machine';
import type { MicroReport } from './micro/runMicro';
import { VARIANT_NAMES } from './e2e/variants';

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
}

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
  };
  /** The throw-away PostgreSQL the `-postgres` figures were measured on. */
  readonly postgres: Section<PostgresInfo>;
  readonly micro: Section<MicroReport>;
  readonly e2e: Section<E2eReport>;
  readonly audit: AuditReport;
  readonly targets: readonly TargetResult[];
}

/** The issue's targets, judged against a run's figures. */
export function judgeTargets(micro: Section<MicroReport>, e2e: Section<E2eReport>): TargetResult[] {
  const p50 = (name: string): number | null => (micro.status === 'measured' ? (micro.results.find((result) => result.name === name)?.p50Us ?? null) : null);
  const ratio = e2e.status === 'measured' ? e2e.ratios.governedOverTwoActivity : null;
  const authorize = p50('authorize');
  const verify = p50('verify');
  return [
    { name: 'governed throughput / two-activity throughput', target: '>= 0.9', value: ratio, met: ratio === null ? null : ratio >= 0.9 },
    { name: 'authorize (validate + decide + mint) p50, µs', target: '< 300', value: authorize, met: authorize === null ? null : authorize < 300 },
    { name: 'enforcement verification p50, µs', target: '< 350', value: verify, met: verify === null ? null : verify < 350 },
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
        `governed / ungoverned = **${ratios.governedOverUngoverned}**, governed / governed-log-off = **${ratios.governedOverGovernedLogOff}**` +
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
          `**${audit.artifactsPerSecond} artifacts verified per second** (${audit.artifactsVerified} artifacts and ${audit.receiptsVerified} receipts in ${audit.seconds} s; ${audit.passed ? 'no findings' : `${audit.findings} findings`}).`
      : `Audit: skipped (${audit.reason}).`,
    '',
  );
  lines.push('| target | wanted | this run | met |', '|---|---|---:|---|');
  for (const target of report.targets) lines.push(`| ${target.name} | ${target.target} | ${target.value ?? '-'} | ${target.met === null ? '-' : target.met ? 'yes' : 'no'} |`);
  return `${lines.join('\n')}\n`;
}
