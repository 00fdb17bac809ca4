import { Worker } from '@temporalio/worker';
import { bundleGovernedWorkflows, type GovernedBundle } from '../../../worker/bundleGovernedWorkflows';
import type { AuditRun } from '../checks/runContext';

/** What replay found for one run. */
export type ReplayOutcome =
  | { readonly status: 'passed' }
  | { readonly status: 'failed'; readonly code: 'REPLAY_NONDETERMINISM' | 'REPLAY_FAILED'; readonly message: string };

const bundles = new Map<string, Promise<GovernedBundle>>();

/**
 * Workflow code bundled with Writ's workflow interceptors, once per process and path:
 * bundling takes seconds, replaying takes milliseconds. A failed bundling is not kept.
 */
export function workflowBundle(workflowsPath: string): Promise<GovernedBundle> {
  let bundle = bundles.get(workflowsPath);
  if (bundle === undefined) {
    bundle = bundleGovernedWorkflows(workflowsPath);
    bundles.set(workflowsPath, bundle);
    bundle.catch(() => bundles.delete(workflowsPath));
  }
  return bundle;
}

/**
 * Replays each run's history against the workflow code in `bundle`, locally (no server).
 * Replay proves that the code, run again, issues the same commands in the same order: it
 * never looks at arguments, results or headers, which is why the checker exists. One
 * history that cannot be replayed at all does not stop the others.
 */
export async function replayRuns(runs: readonly AuditRun[], bundle: GovernedBundle): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  let pending = [...runs];
  while (pending.length > 0) {
    const batch = pending;
    let done = 0;
    try {
      const results = Worker.runReplayHistories({ workflowBundle: bundle.bundle }, batch.map((run) => ({ workflowId: run.workflowId, history: run.history })));
      for await (const result of results) {
        outcomes.push(result.error === undefined ? { status: 'passed' } : failed(result.error));
        done += 1;
      }
      pending = [];
    } catch (error) {
      // The history at `done` broke the replay worker itself; judge it and go on after it.
      outcomes.push({ status: 'failed', code: 'REPLAY_FAILED', message: `the history cannot be replayed: ${(error as Error).message}` });
      pending = batch.slice(done + 1);
    }
  }
  return outcomes;
}

function failed(error: Error): ReplayOutcome {
  // Matched by name: the error class lives in the workflow sandbox's module realm.
  const nondeterminism = error.name === 'DeterminismViolationError';
  return { status: 'failed', code: nondeterminism ? 'REPLAY_NONDETERMINISM' : 'REPLAY_FAILED', message: innermostMessage(error.message) };
}

/**
 * The SDK core wraps the reason in a debug dump (`Failure { failure: Some(Failure { message:
 * "..." ...`); the innermost message is the part a reader needs.
 */
function innermostMessage(text: string): string {
  const quoted = /message: "((?:[^"\\]|\\.)*)"/.exec(text);
  return quoted === null ? text : quoted[1]!.replace(/\\"/g, '"');
}
