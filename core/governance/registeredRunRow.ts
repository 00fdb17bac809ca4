import type { RegisteredRun, RunIdentity, RunOrigin, RunRegistration } from './runRegistry';

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

/**
 * A registration as both backends insert it into `runs`: namespace, run_id, workflow_id,
 * identity (as JSON), origin, parent, registered_at and expires_at (the identity's expiry,
 * by which registrations are pruned), in that order.
 */
export function runRowValues(registration: RunRegistration): [string, string, string, string, string, string | null, string, string] {
  const { identity } = registration;
  return [
    registration.namespace,
    registration.runId,
    registration.workflowId,
    JSON.stringify(identity),
    registration.origin,
    registration.parent,
    registration.registeredAt,
    new Date(identity.expiresAt * 1000).toISOString(),
  ];
}
