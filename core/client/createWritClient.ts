import { Client, type Connection } from '@temporalio/client';
import { identityInterceptor } from './identityInterceptor';

/**
 * A Temporal client whose workflow starts carry `identityToken` (a string or a function
 * returning a fresh one). Everything else is the ordinary Temporal client.
 */
export function createWritClient(options: { connection: Connection; namespace: string; identityToken: string | (() => string) }): Client {
  const token = typeof options.identityToken === 'string' ? () => options.identityToken as string : options.identityToken;
  return new Client({
    connection: options.connection,
    namespace: options.namespace,
    interceptors: { workflow: [identityInterceptor(token)] },
  });
}
