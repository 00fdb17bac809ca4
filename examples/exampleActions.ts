import type { ExampleStores } from './exampleStores';
import { createAgentTools } from './support-agent/activities';
import { createInfraActions } from './infrastructure/activities';
import { createLedgerActions } from './treasury/activities';

/** Every governed action of the example workflows, over one set of stores. */
export function createExampleActions(stores: ExampleStores) {
  return {
    ...createLedgerActions({ ledger: stores.ledger }),
    ...createInfraActions({ infra: stores.infra, calendar: stores.calendar }),
    ...createAgentTools({ workspace: stores.workspace }),
  };
}

/** The type workflows use: `proxyGoverned<ExampleActions>(...)`. */
export type ExampleActions = ReturnType<typeof createExampleActions>;
