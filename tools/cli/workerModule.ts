import { existsSync } from 'node:fs';
import { WritError } from '../../core/errors/writError';
import type { WritWorkerDefinition } from '../../worker/startWritWorker';

/** The worker definition the module exports; CONFIG_INVALID naming what is missing. */
export function loadDefinition(file: string, name: string): WritWorkerDefinition {
  if (!existsSync(file)) {
    throw new WritError('CONFIG_INVALID', `no worker module at ${file}: build the project (npm run build) or name it with --module <file>`, { issues: [{ path: 'module', message: 'does not exist' }] });
  }
  const loaded = require(file) as Record<string, unknown>;
  const definition = (loaded[name] ?? (name === 'writWorker' ? loaded['default'] : undefined)) as Partial<WritWorkerDefinition> | undefined;
  const actions: unknown = definition?.actions;
  if (typeof actions !== 'function' && (typeof actions !== 'object' || actions === null)) {
    throw new WritError('CONFIG_INVALID', `${file} exports no worker definition as ${name}: export { actions, workflowsPath } (a WritWorkerDefinition) under that name`, {
      issues: [{ path: name, message: 'must be a WritWorkerDefinition with actions' }],
    });
  }
  return definition as WritWorkerDefinition;
}
