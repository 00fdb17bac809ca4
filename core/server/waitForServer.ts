import net from 'node:net';
import { Connection } from '@temporalio/client';

/** What "ready" means for a freshly started server. */
export interface WaitForServerOptions {
  /** `host:port` of the front end. */
  readonly address: string;
  /** Must be described successfully. */
  readonly namespace: string;
  /** Custom search attribute names that must already be registered in the namespace. */
  readonly searchAttributes: readonly string[];
  readonly timeoutMs: number;
  /**
   * Settles (with a reason) when the server process is gone, so a crash fails the wait at
   * once instead of after the whole timeout.
   */
  readonly exited: Promise<string>;
}

const PROBE_TIMEOUT_MS = 1_000;
const PROBE_INTERVAL_MS = 100;

/**
 * Resolves once the server at `address` answers `DescribeNamespace` for `namespace` and
 * lists every requested search attribute: an open port alone is not readiness, because the
 * dev server accepts connections before it has created namespaces and attributes. Rejects
 * with the last probe error when `timeoutMs` passes, or with the exit reason when the
 * process ends first.
 */
export async function waitForServer(options: WaitForServerOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let exitReason: string | undefined;
  void options.exited.then((reason) => {
    exitReason = reason;
  });
  const exitedFailure = options.exited.then((reason) => {
    throw new Error(`the server process ${reason} before it was ready`);
  });
  // Keep the race's loser from surfacing as an unhandled rejection.
  exitedFailure.catch(() => undefined);

  let lastError = 'no probe completed';
  for (;;) {
    try {
      await Promise.race([probe(options), exitedFailure]);
      return;
    } catch (error) {
      if (exitReason !== undefined) {
        throw new Error(`the server process ${exitReason} before it was ready`);
      }
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() + PROBE_INTERVAL_MS >= deadline) {
      throw new Error(`no answer within ${options.timeoutMs} ms (last error: ${lastError})`);
    }
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
}

async function probe(options: WaitForServerOptions): Promise<void> {
  // A gRPC connect attempted before the port listens waits out its whole timeout (the
  // channel backs off), which would add a second to every start; a refused TCP connect
  // fails at once, so check the port first.
  await portAccepts(options.address);
  const connection = await Connection.connect({ address: options.address, connectTimeout: PROBE_TIMEOUT_MS });
  try {
    await connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, async () => {
      await connection.workflowService.describeNamespace({ namespace: options.namespace });
      if (options.searchAttributes.length === 0) {
        return;
      }
      const listed = await connection.operatorService.listSearchAttributes({ namespace: options.namespace });
      const missing = options.searchAttributes.filter((name) => !(name in listed.customAttributes));
      if (missing.length > 0) {
        throw new Error(`search attributes not registered yet: ${missing.join(', ')}`);
      }
    });
  } finally {
    await connection.close();
  }
}

function portAccepts(address: string): Promise<void> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(PROBE_TIMEOUT_MS);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`TCP connect to ${address} timed out`));
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}
