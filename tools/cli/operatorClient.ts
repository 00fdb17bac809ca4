import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../core/config/writConfig';
import { createWritClient } from '../../core/client/createWritClient';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { OperatorConsole, type Operator } from '../../core/operators/operatorConsole';
import { targetNamespace, toConnectionOptions } from '../../core/server/temporalTarget';
import { WritError } from '../../core/errors/writError';

/** Options every operator command takes. */
export interface OperatorCommandOptions {
  readonly as: string;
  readonly group: string[];
  readonly address?: string;
  readonly namespace?: string;
  readonly json?: boolean;
}

/**
 * Connects as the operator: a client whose starts carry the operator's identity token and
 * a console that signs their statements, both through the local development identity
 * provider. The server is the configured one, or `--address` (what `npm start --
 * --keep-serving` or `writ server` printed) for the embedded default.
 */
export async function openOperatorConsole(options: OperatorCommandOptions): Promise<{ console: OperatorConsole; operator: Operator; close(): Promise<void> }> {
  const config = loadConfig();
  const address = options.address ?? (config.temporal.mode === 'external' ? config.temporal.address : undefined);
  if (address === undefined) {
    throw new WritError('CONFIG_INVALID', 'which server? pass --address host:port (printed by `npm start -- --keep-serving` or `writ server`), or set WRIT_TEMPORAL_ADDRESS');
  }
  const namespace = options.namespace ?? targetNamespace(config.temporal);
  const connection = await Connection.connect(toConnectionOptions(config.temporal, address));
  const idp = DevIdentityProvider.open(join(config.dataDir, 'idp'));
  await idp.ensureKey();
  const operator = { principal: options.as, groups: options.group };
  const client = createWritClient({ connection, namespace, identityToken: await idp.mintToken({ principal: operator.principal, groups: [...operator.groups] }) });
  return {
    console: new OperatorConsole(client, idp, { namespace, controlTaskQueue: config.taskQueue }),
    operator,
    close: () => connection.close(),
  };
}
