#!/usr/bin/env node
// `npm start`: the examples' demo. Starts the embedded Temporal dev server (unless
// TEMPORAL_ADDRESS or writ.config.json names another) and a governed worker for the three
// example projects, runs each scenario and prints every governed step.
import { Command } from 'commander';
import { runDev } from './runDemo';

const program = new Command()
  .name('writ-demo')
  .description('start the embedded Temporal server and a governed worker, run the example workflows, print every governed step')
  .option('--keep-serving', 'keep the server and worker running after the examples')
  .option('--data-dir <path>', 'data directory (default .writ)')
  .option('--verbose', "show the Temporal worker's own logs")
  .action(async (opts: { keepServing?: boolean; dataDir?: string; verbose?: boolean }) => {
    process.exitCode = await runDev({ keepServing: opts.keepServing === true, verbose: opts.verbose === true, ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }) });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`writ demo: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
