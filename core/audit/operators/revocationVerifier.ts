import { RevocationStatementSchema, REVOCATION_AUDIENCE, type RevocationStatement } from '../../operators/statements';
import { APPLY_REVOCATION_ACTIVITY, REVOKE_UPDATE } from '../../protocol/operatorContract';
import { executionOutcome } from '../checks/checkExecution';
import type { OperatorEventCheck, OperatorRunVerifier } from '../checks/checkOperatorEvents';
import type { ActivityRecord, OperatorEventRecord } from '../history/runRecord';
import { checkNothingAppliedUnclaimed, checkStatementUpdate, type AppliedStatement, type StatementUpdateKind } from './checkStatementUpdate';
import type { EvidencePolicies } from './evidencePolicies';
import type { IdentityTrust } from './identityTrust';
import { judgeOperatorAuthority } from './judgeOperatorAuthority';
import { reportUnverifiable } from './unverifiable';
import { outcomeOf, updateOutcomes } from './updateOutcomes';

const REVOCATION: StatementUpdateKind<typeof RevocationStatementSchema> = {
  code: 'REVOCATION_UNVERIFIED',
  audience: REVOCATION_AUDIENCE,
  schema: RevocationStatementSchema,
  activityType: APPLY_REVOCATION_ACTIVITY,
  bindingError(statement, check) {
    const { workflowId, runId } = check.run;
    return statement.workflowId === workflowId && statement.runId === runId ? null : { expected: `a revocation of ${workflowId} run ${runId}`, found: `a revocation of ${statement.workflowId} run ${statement.runId}` };
  },
};

/**
 * The `writ.revoke` verifier, run once per run: every revocation the run applied must be a
 * statement signed by the identity provider (audience `writ-revocation`) naming this very
 * run, recorded as applied by its signer (REVOCATION_UNVERIFIED), by someone the policy set
 * lets revoke it (OPERATOR_NOT_AUTHORIZED); a revocation applied with no such update is
 * REVOCATION_UNVERIFIED too. From the first verified revocation on, no
 * governed action of the run may have run: one that started after the revocation was
 * recorded and was not refused by the enforcement point is ACTION_AFTER_REVOCATION.
 */
export function revocationVerifier(identity: IdentityTrust | null, policies: EvidencePolicies): OperatorRunVerifier {
  return {
    async verifyRun(events: readonly OperatorEventRecord[], check: OperatorEventCheck): Promise<void> {
      if (identity === null) return reportUnverifiable(events, check);
      const outcomes = updateOutcomes(check.run.history);
      const claimed = new Set<ActivityRecord>();
      let first: AppliedStatement<RevocationStatement> | null = null;
      for (const event of events) {
        const applied = await checkStatementUpdate(REVOCATION, event, outcomeOf(outcomes, event.at.eventId), identity, check, claimed);
        if (applied === null) continue;
        judgeOperatorAuthority(check, policies, event, applied.statement, 'revokeWorkflow', {
          uid: { type: 'Writ::Workflow', id: check.run.workflowId },
          attrs: { workflowType: check.record.start?.workflowType ?? check.run.workflowType },
          parents: [],
        });
        first ??= applied;
      }
      checkNothingAppliedUnclaimed(REVOCATION, REVOKE_UPDATE, check, claimed);
      if (first !== null) checkNothingRanAfter(check, first);
    },
  };
}

function checkNothingRanAfter(check: OperatorEventCheck, revocation: AppliedStatement<RevocationStatement>): void {
  const after = revocation.appliedAt.eventId;
  for (const step of check.steps) {
    const action = step.action;
    if (action?.started === null || action === null || action.started.eventId < after) continue;
    const outcome = executionOutcome(action);
    if (outcome.kind === 'refused' || outcome.kind === 'pending') continue;
    check.report('ACTION_AFTER_REVOCATION', action.started.eventId, `no governed action started after the revocation recorded at event ${after} (by ${revocation.statement.signer})`, `${action.activityType} (activity id ${action.activityId}) started at event ${action.started.eventId} and ${outcome.kind}`, "a revoked run's actions must be refused");
  }
}
