import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/** Discards every line: for callers that report everything themselves. */
const SILENT_LOGGER = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

function quiet(): void {}

/**
 * Sets the Temporal worker runtime's logging, and returns the runtime when this call
 * installed it: undefined while one is installed already (by an earlier call, or by the
 * SDK on first use), which is kept. After a runtime shuts down (the auditor releases its
 * own) the next call installs again. Every denial Writ enforces is logged by the SDK as a failed
 * activity with a stack trace; the demo and the tests print their own account of each step
 * and want errors only (`'ERROR'`). The auditor reports replay failures as findings, so it
 * wants nothing at all, from the SDK or its core (`'SILENT'`).
 */
export function installRuntimeLogging(level: LogLevel | 'SILENT'): Runtime | undefined {
  try {
    return level === 'SILENT'
      ? Runtime.install({ logger: SILENT_LOGGER, telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } })
      : Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // A runtime is installed already (an earlier call, or a worker or replay that ran first): keep it.
    return undefined;
  }
}
