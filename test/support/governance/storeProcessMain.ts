#!/usr/bin/env node
// One governance store in its own OS process (dist/test/support/governance/storeProcessMain.js),
// so a test can race several processes on one store as a fleet's workers would. node:sqlite
// is synchronous, so stores in one process never truly race on a SQLite file; processes do.
//
// argv[2] is a StoreTask as JSON. The process prints `ready` (before opening for `open`,
// whose race is the opening itself; after opening otherwise), waits for `go` on stdin, does
// the task and prints one line of JSON: the outcome of each step, a value or an error code.
import readline from 'node:readline';
import { isWritError } from '../../../core/errors/writError';
import type { GovernanceStore } from '../../../core/governance/governanceStore';
import { openGovernanceStore } from '../../../core/governance/openGovernanceStore';
import type { StepOutcome, StoreTask } from './storeProcesses';

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '') as StoreTask;
  const open = (): Promise<GovernanceStore> => openGovernanceStore(task.config, { dataDir: task.dataDir });
  const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  let store = task.op === 'open' ? undefined : await open();
  process.stdout.write('ready\n');
  await lines.next();
  const outcomes: StepOutcome[] = [];
  const step = async (run: () => Promise<unknown>): Promise<void> => {
    try {
      outcomes.push({ value: (await run()) ?? null });
    } catch (error) {
      outcomes.push({ code: isWritError(error) ? error.code : `unexpected: ${String(error)}` });
    }
  };
  if (task.op === 'open') {
    await step(async () => {
      store = await open();
      return store.backend;
    });
  } else if (task.op === 'useStatement') {
    await step(() => store!.useStatement(task.use));
  } else if (task.op === 'advanceChain') {
    await step(() => store!.advanceChain(task.advance));
  } else if (task.op === 'claimHandoff') {
    await step(() => store!.claimHandoff(task.claim));
  } else {
    for (let i = 0; i < task.times; i++) await step(() => store!.countExecution(task.execution));
  }
  await store?.close();
  process.stdout.write(`${JSON.stringify(outcomes)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
