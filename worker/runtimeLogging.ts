import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/** Discards every line: for callers that report everything themselves. */
const SILENT_LOGGER = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

function quiet(): void {}

/**
 * Sets the Temporal worker runtime's logging once per process, and returns the runtime
 * when this call installed it (undefined when one was installed already, by this function
 * or by the SDK on first use). Every denial Writ enforces is logged by the SDK as a failed
 * activity with a stack trace; the demo and the tests print their own account of each step
 * and want errors only (`'ERROR'`). The auditor reports replay failures as findings, so it
 * wants nothing at all, from the SDK or its core (`'SILENT'`).
 */
export function installRuntimeLogging(level: LogLevel | 'SILENT'): Runtime | undefined {
  if (installed) return undefined;
  installed = true;
  try {
    return level === 'SILENT'
      ? Runtime.install({ logger: SILENT_LOGGER, telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } })
      : Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // The SDK installed its default runtime already (a worker or replay ran first): keep it.
    return undefined;
  }
}
