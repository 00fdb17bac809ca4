#!/usr/bin/env node
import { Command } from 'commander';
import { isWritError } from '../../core/errors/writError';
import { registerAuditCommands } from './commands/audit';
import { registerAuditReportCommand } from './commands/auditReport';
import { registerConsoleCommand } from './commands/console';
import { registerDevCommand } from './commands/dev';
import { registerInitCommand } from './commands/init';
import { registerKeysCommands } from './commands/keys';
import { registerLogCommands } from './commands/log';
import { registerMcpCommand } from './commands/mcp';
import { registerOperatorCommands } from './commands/operators';
import { registerServeCommands } from './commands/serve';
import { registerTokenCommand } from './commands/token';
import { registerWorkerCommand } from './commands/worker';

const program = new Command()
  .name('writ')
  .description('Execution governance for Temporal workflows: every action authorized, signed, verified and recorded before it runs')
  .showHelpAfterError();

registerInitCommand(program);
registerKeysCommands(program);
registerTokenCommand(program);
registerServeCommands(program);
registerDevCommand(program);
registerWorkerCommand(program);
registerOperatorCommands(program);
registerAuditReportCommand(registerAuditCommands(program));
registerLogCommands(program);
registerMcpCommand(program);
registerConsoleCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const refusal = refusalOf(error);
  if (isWritError(error)) {
    process.stderr.write(`writ: ${error.code}: ${error.message}\n`);
    for (const issue of error.issues) process.stderr.write(`  - ${issue.path}: ${issue.message}\n`);
  } else if (refusal !== undefined) {
    process.stderr.write(`writ: ${refusal.type}: ${refusal.message}\n`);
  } else {
    process.stderr.write(`writ: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exitCode = 1;
});

/** A refusal that came back from a workflow (an update or a run that failed with a Writ code). */
function refusalOf(error: unknown): { type: string; message: string } | undefined {
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && typeof cause === 'object' && cause !== null; depth += 1) {
    const { type, message } = cause as { type?: unknown; message?: unknown };
    if (typeof type === 'string' && /^[A-Z][A-Z_]+$/.test(type) && typeof message === 'string') return { type, message };
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}
