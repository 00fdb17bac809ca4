import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/**
 * Sets the Temporal worker runtime's log level once per process. Every denial Writ
 * enforces is logged by the SDK as a failed activity with a stack trace; the demo and
 * the tests print their own account of each step and want errors only.
 */
export function installRuntimeLogging(level: LogLevel): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger(level) });
}
