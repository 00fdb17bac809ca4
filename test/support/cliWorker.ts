// A project's worker module, as `writ worker --module <file>` loads it (built to
// dist/test/support/cliWorker.js): the example actions over this host's example stores
// (<dataDir>/examples, seeded with the demo accounts) and the example workflows, with the
// test workflows beside them (test/fixtures/workflows: a reach-around that schedules an
// action with whatever artifact the test presents).
import { join } from 'node:path';
import { loadConfig } from '../../core/config/writConfig';
import { createExampleActions } from '../../examples/exampleActions';
import { openExampleStores, type ExampleStores } from '../../examples/exampleStores';
import type { WritWorkerDefinition } from '../../worker/startWritWorker';

let stores: ExampleStores | undefined;

/** The definition `writ worker` runs in the role it is given. */
export const writWorker: WritWorkerDefinition = {
  actions: () => {
    stores = openExampleStores(join(loadConfig().dataDir, 'examples'));
    stores.ledger.seedDemo();
    return createExampleActions(stores);
  },
  workflowsPath: require.resolve('../fixtures/workflows'),
  close: () => stores?.close(),
};
