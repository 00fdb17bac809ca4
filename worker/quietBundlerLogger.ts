import type { Logger } from '@temporalio/common';

/** The bundler's logger: webpack's progress stays quiet, errors are printed. */
export const quietBundlerLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: (message, meta) => console.error(message, meta ?? ''),
  log() {},
};
