import type { RegisteredRun, RunIdentity, RunOrigin } from './runRegistry';

/**
 * A `runs` row as either backend returns it (SQLite gives times as text, PostgreSQL as
 * Date) read back as a RegisteredRun. The identity is stored as the JSON it was written as.
 */
export function registeredRunRow(row: Record<string, unknown>): RegisteredRun {
  const at = row['registered_at'];
  return {
    namespace: String(row['namespace']),
    workflowId: String(row['workflow_id']),
    runId: String(row['run_id']),
    identity: JSON.parse(String(row['identity'])) as RunIdentity,
    origin: String(row['origin']) as RunOrigin,
    parent: (row['parent'] as string | null) ?? null,
    registeredAt: at instanceof Date ? at.toISOString() : String(at),
    chain: { sequence: Number(row['sequence']), head: (row['head'] as string | null) ?? null },
  };
}
