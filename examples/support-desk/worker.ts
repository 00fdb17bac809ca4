import { join } from 'node:path';
import { loadConfig, startWritWorker, type WritWorkerDefinition } from 'writ-governance';
import { createSupportDeskActions } from './activities';
import { OrderDesk } from './orderDesk';

let desk: OrderDesk | undefined;

/**
 * The support desk's governed worker, and the module `writ mcp --module` reads its tools
 * from: the desk's actions over `<dataDir>/support-desk` (seeded with the demo orders)
 * and the session workflow. Run it with WRIT_POLICIES_DIR naming `policies/` here.
 */
export const writWorker: WritWorkerDefinition = {
  actions: () => {
    desk = OrderDesk.open(join(loadConfig().dataDir, 'support-desk'));
    desk.seedDemo();
    return createSupportDeskActions({ desk });
  },
  workflowsPath: require.resolve('./workflows'),
  close: () => desk?.close(),
};

if (require.main === module) {
  startWritWorker(writWorker)
    .then((started) => started.run())
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
