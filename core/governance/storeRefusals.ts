import { WritError } from '../errors/writError';
import type { ArtifactExecution, KillSwitchChange, KillSwitchState, Revocation, StatementUse } from './governanceStore';

// The refusals every backend makes, written once so both say the same thing with the same code.

/** Throws KILL_SWITCH_ENGAGED or AUTHORITY_REVOKED when work for `runId` in `namespace` must stop. */
export function refuseStanding(namespace: string, runId: string, halt: KillSwitchState, revoked: Revocation | undefined): void {
  if (halt.engaged) throw new WritError('KILL_SWITCH_ENGAGED', `the kill switch of namespace ${namespace} is engaged (by ${halt.by}: ${halt.reason})`);
  if (revoked) throw new WritError('AUTHORITY_REVOKED', `the authority of run ${runId} was revoked by ${revoked.revokedBy}: ${revoked.reason}`);
}

/** Throws STATEMENT_REPLAYED when the statement's first use was by another consumer. */
export function refuseReplay(use: StatementUse, first: { consumer: string; usedAt: string }): void {
  if (first.consumer !== use.consumer) {
    throw new WritError('STATEMENT_REPLAYED', `${use.kind} statement ${use.statementId} was already used (${first.usedAt}, by ${first.consumer}); a signed statement takes effect once`, {
      facts: { statementId: use.statementId, firstUsedBy: first.consumer },
    });
  }
}

/**
 * Throws STATEMENT_STALE when a statement the registry has no record of was issued before
 * the use's `freshSince`. Called only when no use is recorded: a statement recorded for
 * this consumer was fresh when first used, and its re-presentation is judged by consumer.
 */
export function refuseStale(use: StatementUse): void {
  if (Date.parse(use.issuedAt) < Date.parse(use.freshSince)) {
    throw new WritError('STATEMENT_STALE', `${use.kind} statement ${use.statementId} was issued at ${use.issuedAt}, before ${use.freshSince}: a signed statement takes effect only while it is fresh`, {
      facts: { statementId: use.statementId, issuedAt: use.issuedAt, freshSince: use.freshSince },
    });
  }
}

/**
 * Whether `change` applies to the namespace's `current` state: `false` when it is the
 * change already in force (a retry: nothing to append). Throws KILL_SWITCH_STATE_MISMATCH
 * when a lift does not name the halt in force.
 */
export function killSwitchApplies(change: KillSwitchChange, current: KillSwitchState): boolean {
  if (current.statementDigest !== null && current.statementDigest === change.statementDigest) return false;
  if (change.engaged) return true;
  if (!current.engaged || change.lifts === undefined || change.lifts !== current.statementDigest) {
    const inForce = current.engaged ? `the halt ${current.statementDigest} (by ${current.by})` : 'no halt';
    throw new WritError('KILL_SWITCH_STATE_MISMATCH', `the lift names ${change.lifts === undefined ? 'no halt' : `the halt ${change.lifts}`}, but namespace ${change.namespace} is under ${inForce}: a lift applies only to the halt it names`, {
      facts: { namespace: change.namespace, lifts: change.lifts ?? null, inForce: current.engaged ? current.statementDigest : null },
    });
  }
  return true;
}

/** Throws ARTIFACT_ATTEMPTS_EXCEEDED when `made` executions already used up the artifact. */
export function refuseSurplusExecution(execution: ArtifactExecution, made: number): void {
  if (made >= execution.maxAttempts) {
    throw new WritError('ARTIFACT_ATTEMPTS_EXCEEDED', `artifact ${execution.artifactId} authorized ${execution.maxAttempts} execution(s), all already made`, {
      facts: { artifactId: execution.artifactId, executions: made },
    });
  }
}
