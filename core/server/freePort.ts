import net from 'node:net';

/**
 * Asks the operating system for a TCP port that is free right now on `host`, by binding a
 * throw-away listener to port 0 and reading back the port it was given. The port is
 * released before this resolves, so another process can still take it before the caller
 * binds it; callers that start a server on it must treat "address in use" as retryable.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const listener = net.createServer();
    listener.unref();
    listener.once('error', reject);
    listener.listen({ host, port: 0, exclusive: true }, () => {
      const bound = listener.address();
      // A TCP listener always reports an AddressInfo; a string would mean a pipe.
      if (bound === null || typeof bound === 'string') {
        listener.close();
        reject(new Error(`could not read the port bound on ${host}`));
        return;
      }
      listener.close((closeError) => (closeError ? reject(closeError) : resolve(bound.port)));
    });
  });
}

/**
 * Whether `port` on `host` can be bound right now. Used before starting a server on a port
 * the caller chose: a Temporal server already listening there would answer the readiness
 * probe in place of the new one, so an occupied port must fail the start up front.
 */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const listener = net.createServer();
    listener.unref();
    listener.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        resolve(false);
      } else {
        reject(error);
      }
    });
    listener.listen({ host, port, exclusive: true }, () => {
      listener.close(() => resolve(true));
    });
  });
}
