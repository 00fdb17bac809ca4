import { Client, type Connection } from '@temporalio/client';
import type { ProofKey } from '../identity/proofKey';
import { WritPlugin } from '../plugin/writPlugin';

/**
 * A Temporal client whose workflow starts carry `identityToken` (a string or a function
 * returning a fresh one) and, given the `proofKey` that token is bound to, a start proof
 * each: `new Client({ connection, namespace, plugins: [new WritPlugin({ identityToken, proofKey })] })`.
 * Everything else is the ordinary Temporal client.
 */
export function createWritClient(options: { connection: Connection; namespace: string; identityToken: string | (() => string); proofKey?: ProofKey | undefined }): Client {
  return new Client({
    connection: options.connection,
    namespace: options.namespace,
    plugins: [new WritPlugin({ identityToken: options.identityToken, ...(options.proofKey === undefined ? {} : { proofKey: options.proofKey }) })],
  });
}
