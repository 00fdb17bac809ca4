import type { AuditVerdict, FindingCode } from '../../core/audit';
import type { SoakKind } from './planKinds';

/** How one workflow ended, as the soak's driver saw it. */
export type Ending = { kind: 'completed' } | { kind: 'denied'; code: string } | { kind: 'failed'; reason: string } | { kind: 'lost' };

/** Audit findings that mean an execution cannot be shown to rest on a valid artifact. */
const AUTHORIZATION_FINDINGS: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'ACTION_WITHOUT_AUTHORIZATION',
  'AUTHORIZATION_NOT_COMPLETED',
  'ARTIFACT_INVALID',
  'ARTIFACT_KEY_NOT_VALID_AT_TIME',
  'ARTIFACT_KEY_PURPOSE_INVALID',
  'ARTIFACT_BINDING_MISMATCH',
  'ARTIFACT_WINDOW_MISSED',
  'HEADER_ARTIFACT_MISMATCH',
  'POLICY_SET_UNKNOWN',
  'AUTHORIZATION_RESULT_MISMATCH',
  'LINEAGE_BROKEN',
]);

/** What the comparison found. */
export interface Judgement {
  readonly unauthorized: number;
  readonly duplicates: number;
  readonly unexpected: number;
  readonly missingHistories: number;
}

/**
 * Compares the side-effect store with what the audited histories prove. A side effect is
 * authorized only when its run's history shows an executed step and the auditor found
 * nothing wrong with that run's authorizations; every other one, and every executed step
 * in a run with such a finding, is unauthorized. More than one side effect for a run is a
 * duplicate (the memo carries the workflow id).
 */
export function judgeSideEffects(ids: readonly string[], kinds: readonly SoakKind[], endings: ReadonlyMap<string, Ending>, verdict: AuditVerdict, memos: readonly string[]): Judgement {
  const effects = new Map<string, number>();
  for (const memo of memos) effects.set(memo, (effects.get(memo) ?? 0) + 1);
  const runs = new Map(verdict.runs.map((run) => [run.workflowId, run]));
  let unauthorized = 0;
  let duplicates = 0;
  let unexpected = 0;
  let missingHistories = 0;
  for (const memo of effects.keys()) if (!ids.includes(memo)) unauthorized += effects.get(memo)!;
  ids.forEach((id, index) => {
    const run = runs.get(id);
    const sideEffects = effects.get(id) ?? 0;
    duplicates += Math.max(0, sideEffects - 1);
    if (run === undefined) {
      missingHistories += 1;
      unauthorized += sideEffects;
      return;
    }
    const executed = run.steps.filter((s) => s.outcome === 'completed' || s.outcome === 'failed').length;
    const clean = !run.findings.some((f) => AUTHORIZATION_FINDINGS.has(f.code));
    if (!clean) unauthorized += Math.max(executed, sideEffects);
    else if (sideEffects > executed) unauthorized += sideEffects - executed;
    const ending = endings.get(id);
    const expected = kinds[index] === 'permit' ? 'completed' : 'denied';
    if (ending?.kind !== expected || (kinds[index] !== 'permit' && sideEffects > 0)) unexpected += 1;
  });
  return { unauthorized, duplicates, unexpected, missingHistories };
}
