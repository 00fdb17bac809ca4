import { WritError } from '../errors/writError';
import type { ArtifactExecution, KillSwitchState, Revocation, StatementUse } from './governanceStore';

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

/** Throws ARTIFACT_ATTEMPTS_EXCEEDED when `made` executions already used up the artifact. */
export function refuseSurplusExecution(execution: ArtifactExecution, made: number): void {
  if (made >= execution.maxAttempts) {
    throw new WritError('ARTIFACT_ATTEMPTS_EXCEEDED', `artifact ${execution.artifactId} authorized ${execution.maxAttempts} execution(s), all already made`, {
      facts: { artifactId: execution.artifactId, executions: made },
    });
  }
}
