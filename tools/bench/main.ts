#!/usr/bin/env node
// `npm run bench [-- options]`: the cost of governance, side by side with ungoverned
// Temporal, on a dev server this process starts. See README ("Benchmarks").
import { Command, Option } from 'commander';
import { addServerToolOptions, runTool, strictNumber as toNumber } from '../cli/toolEntry';
import { BENCH_DEFAULTS, parseBenchOptions } from './benchOptions';
import { readFileSync } from 'node:fs';
import { WritError } from '../../core/errors/writError';
import { BENCH_REPORT_SCHEMA, renderMarkdown, type BenchReport } from './report';
import { runBench } from './runBench';

const program = addServerToolOptions(
  new Command()
    .name('writ-bench')
    .description('Measure the cost of governance: decision micro-benchmarks and governed vs ungoverned Temporal workflows on one dev server'),
)
  .option('-n, --workflows <n>', 'N: concurrent workflows per variant', toNumber, BENCH_DEFAULTS.workflows)
  .option('-k, --steps <k>', 'K: steps per workflow', toNumber, BENCH_DEFAULTS.steps)
  .option('--warmup-workflows <n>', 'unmeasured workflows each variant runs first (default: N/4, rounded up)', toNumber)
  .option('--rounds <n>', 'measured rounds of all the variants, order alternating', toNumber, BENCH_DEFAULTS.rounds)
  .option('--audit-steps <n>', 'governed steps in the history the offline checker verifies (0: no audit)', toNumber, BENCH_DEFAULTS.auditSteps)
  .option('--iterations <n>', 'timed iterations per micro-benchmark', toNumber, BENCH_DEFAULTS.iterations)
  .option('--warmup-iterations <n>', 'untimed iterations before each micro-benchmark', toNumber, BENCH_DEFAULTS.warmupIterations)
  .addOption(new Option('--only <section>', 'run one section only').choices(['micro', 'e2e', 'mcp', 'console', 'audit']))
  .option('--console-pending <n>', "approvals waiting while the console's pending list is timed", toNumber, BENCH_DEFAULTS.consolePending)
  .option('--console-requests <n>', 'timed requests per console path', toNumber, BENCH_DEFAULTS.consoleRequests)
  .addOption(new Option('--eager-activities <on|off>', "the dev server's eager activity dispatch (default: the embedded server's)").choices(['on', 'off']))
  .option('--render <report.json>', 'measure nothing: print the tables of a run saved with --json (how the README tables are made)')
  .option('--no-postgres', 'measure the SQLite governance store only (by default PostgreSQL is measured beside it, and must be installed)')
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse(process.argv);
  const { render, ...given } = program.opts<{ render?: string }>();
  if (render !== undefined) {
    process.stdout.write(`${renderSaved(render)}`);
    return;
  }
  const options = parseBenchOptions(given);
  const progress = (line: string): void => {
    process.stderr.write(`bench: ${line}\n`);
  };
  const report = await runBench(options, progress);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${report.command}\n\n${renderMarkdown(report)}`);
}

/**
 * The tables of a run saved with `--json`, with the command that made it: the README's
 * figures come from a saved report, never typed by hand. A file that is not such a report
 * (another schema, not JSON) is CONFIG_INVALID.
 */
function renderSaved(file: string): string {
  let report: BenchReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  } catch (error) {
    throw new WritError('CONFIG_INVALID', `--render ${file}: not a readable JSON report (${(error as Error).message})`, { cause: error });
  }
  if (report?.schema !== BENCH_REPORT_SCHEMA) throw new WritError('CONFIG_INVALID', `--render ${file}: not a report of schema ${BENCH_REPORT_SCHEMA}`);
  return `${report.command}\n\n${renderMarkdown(report)}`;
}

runTool('writ-bench', main, 1);
