import { join } from 'node:path';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { WritError } from '../../core/errors/writError';
import { loadConfig } from '../../core/config/writConfig';
import { createWritClient } from '../../core/client/createWritClient';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { OperatorConsole, type Operator } from '../../core/operators/operatorConsole';
import { loadTemporalTarget, toConnectionOptions } from '../../core/server/temporalTarget';
import { connectTemporal } from './temporalConnection';

/** Options every operator command takes. */
export interface OperatorCommandOptions {
  readonly as: string;
  readonly group: string[];
  readonly address?: string;
  readonly namespace?: string;
  readonly json?: boolean;
}

/**
 * Connects as the operator: a client whose starts carry the operator's identity token
 * (bound to a fresh proof key, with a start proof each) and
 * a console that signs their statements, both through the local development identity
 * provider. The server is the one Temporal's client configuration names (TEMPORAL_ADDRESS,
 * a temporal.toml profile), with `--address` and `--namespace` over it; with the embedded
 * default, `--address` is what `npm start -- --keep-serving` or `writ server` printed.
 */
export async function openOperatorConsole(
  options: OperatorCommandOptions,
): Promise<{ console: OperatorConsole; operator: Operator; address: string; namespace: string; close(): Promise<void> }> {
  const config = loadConfig();
  const target = loadTemporalTarget({ address: options.address, namespace: options.namespace });
  const namespace = target.namespace;
  const connectOptions = toConnectionOptions(target);
  const connection = await connectTemporal(connectOptions);
  const idp = DevIdentityProvider.open(join(config.dataDir, 'idp'));
  await idp.ensureKey();
  const operator = { principal: options.as, groups: options.group };
  // Bound to a key: the control workflow's history shows the token, and a copy of it
  // alone must not start runs as this operator.
  const client = createWritClient({ connection, namespace, ...(await idp.mintBoundCredential({ principal: operator.principal, groups: [...operator.groups] })) });
  return {
    console: new OperatorConsole(client, idp, { namespace, controlTaskQueue: config.taskQueue }),
    operator,
    address: connectOptions.address,
    namespace,
    close: () => connection.close(),
  };
}

/**
 * What an operator command's failure means to the operator: a workflow or namespace the
 * server does not know becomes a one-line `WORKFLOW_NOT_FOUND` / `NAMESPACE_NOT_FOUND`
 * naming what to check; anything else is returned as it is.
 */
export function explainOperatorFailure(error: unknown, where: { address: string; namespace: string }): unknown {
  if (error instanceof WorkflowNotFoundError) {
    return new WritError(
      'WORKFLOW_NOT_FOUND',
      `no workflow ${JSON.stringify(error.workflowId)}${error.runId ? ` run ${error.runId}` : ''} in namespace ${where.namespace} on ${where.address}: check the workflow id (\`writ pending\` lists the runs awaiting approval) and --namespace`,
      { cause: error, facts: { workflowId: error.workflowId, namespace: where.namespace } },
    );
  }
  if (error instanceof NamespaceNotFoundError) {
    return new WritError(
      'NAMESPACE_NOT_FOUND',
      `the Temporal server at ${where.address} has no namespace ${JSON.stringify(error.namespace)}: check --namespace, TEMPORAL_NAMESPACE or the temporal.toml profile (the embedded dev server's namespace is writ)`,
      { cause: error, facts: { namespace: error.namespace } },
    );
  }
  return error;
}
