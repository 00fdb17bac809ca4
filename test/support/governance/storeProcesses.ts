import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import readline from 'node:readline';
import type { ArtifactExecution, StatementUse } from '../../../core/governance/governanceStore';
import type { GovernanceStoreConfig } from '../../../core/governance/governanceStoreConfig';
import type { ChainAdvance, HandoffClaim } from '../../../core/governance/runRegistry';

const STORE_PROCESS_MAIN = resolve(__dirname, '../../../dist/test/support/governance/storeProcessMain.js');

/** What one store process does once every process is ready. */
export type StoreTask = { readonly config: GovernanceStoreConfig; readonly dataDir: string } & (
  | { readonly op: 'open' }
  | { readonly op: 'useStatement'; readonly use: StatementUse }
  | { readonly op: 'countExecution'; readonly execution: ArtifactExecution; readonly times: number }
  | { readonly op: 'advanceChain'; readonly advance: ChainAdvance }
  | { readonly op: 'claimHandoff'; readonly claim: HandoffClaim }
);

/** One step's outcome: the value it resolved with (null for none), or the code it was refused with. */
export type StepOutcome = { readonly value: unknown } | { readonly code: string };

/**
 * Starts one process per task (dist/test/support/governance/storeProcessMain.js, built by
 * `npm test`), waits until every one has its store open, then lets them all go at once and
 * resolves with each process's outcomes, in task order.
 */
export async function raceStoreProcesses(tasks: readonly StoreTask[]): Promise<StepOutcome[][]> {
  if (!existsSync(STORE_PROCESS_MAIN)) throw new Error(`${STORE_PROCESS_MAIN} is missing: run \`npm run build\` (npm test does)`);
  const children = tasks.map((task) => {
    const child = spawn(process.execPath, [STORE_PROCESS_MAIN, JSON.stringify(task)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    const nextLine = async (): Promise<string> => {
      const line = await Promise.race([lines.next(), exited.then(() => ({ value: undefined }))]);
      if (typeof line.value !== 'string') throw new Error(`store process ended early (${task.op}): ${stderr}`);
      return line.value;
    };
    return { child, exited, nextLine, stderr: () => stderr };
  });
  try {
    for (const { nextLine } of children) {
      const line = await nextLine();
      if (line !== 'ready') throw new Error(`store process said ${JSON.stringify(line)} instead of ready`);
    }
    for (const { child } of children) child.stdin.write('go\n');
    const outcomes = await Promise.all(children.map(async ({ nextLine }) => JSON.parse(await nextLine()) as StepOutcome[]));
    for (const { exited, stderr } of children) {
      const code = await exited;
      if (code !== 0) throw new Error(`store process exited with ${String(code)}: ${stderr()}`);
    }
    return outcomes;
  } finally {
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
