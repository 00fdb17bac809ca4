import type { Client } from '@temporalio/client';
import { readRunRecord } from '../history/runRecord';
import { AuditError } from '../auditError';
import type { AuditRun } from '../checks/runContext';

/** Which runs to fetch: workflow ids (their latest run) or a visibility query, exactly one of them. */
export interface RunSelection {
  /** Workflow ids; the latest run of each is fetched. */
  readonly workflowIds?: readonly string[];
  /** A visibility query (e.g. `WorkflowType = 'deploy'`); every run it matches is fetched. */
  readonly query?: string;
  /** Also fetch each run's parent, children and the run it continues (default true). */
  readonly related?: boolean;
  /** Stop after this many runs (default 1000): a query can match a whole namespace. */
  readonly maxRuns?: number;
}

interface RunKey {
  readonly workflowId: string;
  readonly runId?: string;
}

/**
 * Fetches runs and their full histories from a Temporal server: the latest run of each
 * workflow id, or every run a visibility query matches, and (by default) the runs related to
 * them by parent, child or continue-as-new so the lineage between them can be checked. A
 * named workflow that cannot be fetched is AUDIT_SOURCE_UNAVAILABLE; a related run that is
 * gone (past retention) is left out, and the verdict notes the link it could not check.
 */
export async function fetchRuns(client: Client, selection: RunSelection): Promise<AuditRun[]> {
  const ids = selection.workflowIds ?? [];
  if ((ids.length === 0) === (selection.query === undefined)) {
    throw new AuditError('AUDIT_OPTIONS_INVALID', 'select runs by workflow ids or by a query, exactly one of them');
  }
  const maxRuns = selection.maxRuns ?? 1000;
  const queue: RunKey[] = ids.map((workflowId) => ({ workflowId }));
  if (selection.query !== undefined) {
    try {
      for await (const info of client.workflow.list({ query: selection.query })) {
        queue.push({ workflowId: info.workflowId, runId: info.runId });
        if (queue.length > maxRuns) break;
      }
    } catch (cause) {
      throw new AuditError('AUDIT_SOURCE_UNAVAILABLE', `the query ${JSON.stringify(selection.query)} failed: ${(cause as Error).message}`, { cause });
    }
    if (queue.length === 0) throw new AuditError('AUDIT_SOURCE_UNAVAILABLE', `the query ${JSON.stringify(selection.query)} matches no run`);
  }
  const requested = queue.length;
  const runs: AuditRun[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < queue.length && runs.length < maxRuns; index += 1) {
    const key = queue[index]!;
    if (key.runId !== undefined && seen.has(key.runId)) continue;
    let run: AuditRun;
    try {
      run = await fetchRun(client, key);
    } catch (cause) {
      if (index >= requested) continue;
      throw new AuditError('AUDIT_SOURCE_UNAVAILABLE', `cannot fetch workflow ${key.workflowId}${key.runId ? ` run ${key.runId}` : ''}: ${(cause as Error).message}`, { cause });
    }
    if (seen.has(run.runId)) continue;
    seen.add(run.runId);
    runs.push(run);
    if (selection.related ?? true) queue.push(...relatives(run));
  }
  return runs;
}

async function fetchRun(client: Client, key: RunKey): Promise<AuditRun> {
  const handle = client.workflow.getHandle(key.workflowId, key.runId);
  const description = await handle.describe();
  const history = await client.workflow.getHandle(key.workflowId, description.runId).fetchHistory();
  return { workflowId: key.workflowId, runId: description.runId, workflowType: description.type, history };
}

function relatives(run: AuditRun): RunKey[] {
  const record = readRunRecord(run.history);
  const keys: RunKey[] = [];
  if (record.start?.parent) keys.push(record.start.parent);
  if (record.start?.continuedFrom) keys.push({ workflowId: run.workflowId, runId: record.start.continuedFrom });
  for (const child of record.children) if (child.started) keys.push({ workflowId: child.workflowId, runId: child.started.runId });
  if (record.end?.kind === 'continued-as-new' && record.end.newRunId) keys.push({ workflowId: run.workflowId, runId: record.end.newRunId });
  return keys;
}
