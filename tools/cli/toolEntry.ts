import type { Command } from 'commander';
import { isWritError } from '../../core/errors/writError';

/**
 * Parses a numeric flag strictly ("12abc" and "" are NaN, where parseInt would read 12 and
 * Number 0); the tool's options schema then checks the range and reports every problem.
 */
export function strictNumber(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}

/**
 * The flags every tool that starts its own dev server shares: JSON output, where its data
 * lives, and which Temporal CLI to run.
 */
export function addServerToolOptions(command: Command): Command {
  return command
    .option('--json', 'print one JSON document on stdout (progress goes to stderr)')
    .option('--data-dir <path>', 'keep keys, stores and the server database here (default: a temporary directory, removed afterwards)')
    .option('--keep-data', 'keep the temporary data directory')
    .option('--temporal-cli <path>', 'the Temporal CLI binary (default: .tools/bin/temporal, then PATH)');
}

/**
 * Runs a tool's entry point. A failure that stops it is printed on stderr as
 * `name: CODE: message` for a WritError (its stack otherwise) and exits with `failureExitCode`.
 */
export function runTool(name: string, main: () => Promise<void>, failureExitCode: number): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name}: ${isWritError(error) ? `${error.code}: ${error.message}` : ((error as Error).stack ?? String(error))}\n`);
    process.exitCode = failureExitCode;
  });
}
