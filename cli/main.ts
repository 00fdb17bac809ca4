#!/usr/bin/env node
import { Command } from 'commander';
import { isWritError } from '../errors/writError';
import { registerKeysCommands } from './commands/keys';
import { registerServeCommands } from './commands/serve';
import { registerTokenCommand } from './commands/token';

const program = new Command()
  .name('writ')
  .description('Execution governance for Temporal workflows: every action authorized, signed, verified and recorded before it runs')
  .showHelpAfterError();

program
  .command('dev')
  .description('start the embedded Temporal server and a governed worker, run the example workflows, print every governed step')
  .option('--keep-serving', 'keep the server and worker running after the examples')
  .option('--data-dir <path>', 'data directory (default .writ)')
  .option('--verbose', "show the Temporal worker's own logs")
  .action(async (opts: { keepServing?: boolean; dataDir?: string; verbose?: boolean }) => {
    // Loaded on use: the Temporal worker runtime takes a second to import.
    const { runDev } = require('./commands/dev') as typeof import('./commands/dev');
    process.exitCode = await runDev({ keepServing: opts.keepServing === true, verbose: opts.verbose === true, ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }) });
  });
registerKeysCommands(program);
registerTokenCommand(program);
registerServeCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (isWritError(error)) {
    process.stderr.write(`writ: ${error.code}: ${error.message}\n`);
    for (const issue of error.issues) process.stderr.write(`  - ${issue.path}: ${issue.message}\n`);
  } else {
    process.stderr.write(`writ: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exitCode = 1;
});
