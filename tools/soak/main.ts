#!/usr/bin/env node
// `npm run soak [-- options]`: hundreds of concurrent governed workflows on a dev server this
// process starts, a worker SIGKILLed mid-run, every history audited. See README ("Hardening").
import { Command, Option } from 'commander';
import { addServerToolOptions, runTool, strictNumber as toNumber } from '../cli/toolEntry';
import { parseSoakOptions, SOAK_DEFAULTS } from './soakOptions';
import { runSoak } from './runSoak';
import { renderSoakReport } from './soakReport';

const program = addServerToolOptions(
  new Command()
    .name('writ-soak')
    .description('Soak Writ: concurrent governed workflows, denials, tampering and a killed worker, then an audit of every history'),
)
  .option('-n, --workflows <n>', 'workflows to run', toNumber, SOAK_DEFAULTS.workflows)
  .option('-c, --concurrency <n>', 'workflows in flight at once', toNumber, SOAK_DEFAULTS.concurrency)
  .option('--deny-fraction <f>', 'fraction of workflows policy denies', toNumber, SOAK_DEFAULTS.denyFraction)
  .option('--tamper-fraction <f>', 'fraction of workflows that present an artifact for other arguments', toNumber, SOAK_DEFAULTS.tamperFraction)
  .option('--seed <n>', 'seed of the plan (which workflow is which)', toNumber, SOAK_DEFAULTS.seed)
  .option('--workers <n>', 'worker processes (the first is killed and restarted)', toNumber, SOAK_DEFAULTS.workers)
  .addOption(
    new Option('--store <kind>', 'the governance store the workers share (postgres: a throw-away PostgreSQL the soak starts)').choices(['sqlite', 'postgres']).default(SOAK_DEFAULTS.store),
  )
  .option('--workflow-timeout-seconds <n>', 'a workflow not ended by then is lost', toNumber)
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse(process.argv);
  const options = parseSoakOptions(program.opts());
  const command = `npm run soak -- --workflows ${options.workflows} --concurrency ${options.concurrency} --deny-fraction ${options.denyFraction} --tamper-fraction ${options.tamperFraction} --seed ${options.seed} --workers ${options.workers} --store ${options.store}`;
  const report = await runSoak(options, command, (line) => process.stderr.write(`soak: ${line}\n`));
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${renderSoakReport(report)}`);
  if (!report.passed) process.exitCode = 1;
}

runTool('writ-soak', main, 2);
