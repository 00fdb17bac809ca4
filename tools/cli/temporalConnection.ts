import { Connection, ServiceError } from '@temporalio/client';
import { WritError } from '../../core/errors/writError';
import type { TemporalConnectionOptions } from '../../core/server/temporalTarget';

/** How long a CLI command waits for the Temporal server to answer before it gives up. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to the Temporal server as a CLI command does: within `CONNECT_TIMEOUT_MS`, and a
 * server that cannot be reached is `TEMPORAL_UNREACHABLE`, one line naming the address and
 * what to check, rather than the gRPC error and its stack.
 */
export async function connectTemporal(options: TemporalConnectionOptions): Promise<Connection> {
  try {
    return await Connection.connect({ ...options, connectTimeout: CONNECT_TIMEOUT_MS });
  } catch (cause) {
    throw new WritError(
      'TEMPORAL_UNREACHABLE',
      `cannot reach the Temporal server at ${options.address} (${reasonOf(cause)}): start one with \`writ server\` and use the address it prints, or check TEMPORAL_ADDRESS, the temporal.toml profile (TEMPORAL_PROFILE) or --address`,
      { cause, facts: { address: options.address } },
    );
  }
}

/** The SDK's reason on one line, with the gRPC cause a ServiceError wraps. */
function reasonOf(error: unknown): string {
  const message = (error as Error | undefined)?.message ?? String(error);
  const inner = error instanceof ServiceError && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const reason = `${message}${inner}`.replace(/\s+/g, ' ').trim();
  return reason === 'Failed to connect before the deadline' ? `no answer within ${CONNECT_TIMEOUT_MS / 1000} s` : reason;
}
