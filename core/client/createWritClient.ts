import { Client, type Connection } from '@temporalio/client';
import { WritPlugin } from '../plugin/writPlugin';

/**
 * A Temporal client whose workflow starts carry `identityToken` (a string or a function
 * returning a fresh one): `new Client({ connection, namespace, plugins: [new WritPlugin({ identityToken })] })`.
 * Everything else is the ordinary Temporal client.
 */
export function createWritClient(options: { connection: Connection; namespace: string; identityToken: string | (() => string) }): Client {
  return new Client({
    connection: options.connection,
    namespace: options.namespace,
    plugins: [new WritPlugin({ identityToken: options.identityToken })],
  });
}
