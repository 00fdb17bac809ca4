import { KillSwitchStatementSchema, KILL_SWITCH_AUDIENCE } from '../../operators/statements';
import { APPLY_KILL_SWITCH_ACTIVITY, KILL_SWITCH_UPDATE } from '../../protocol/operatorContract';
import type { OperatorEventCheck, OperatorRunVerifier } from '../checks/checkOperatorEvents';
import type { ActivityRecord, OperatorEventRecord } from '../history/runRecord';
import { checkNothingAppliedUnclaimed, checkStatementUpdate, type StatementUpdateKind } from './checkStatementUpdate';
import type { EvidencePolicies } from './evidencePolicies';
import type { IdentityTrust } from './identityTrust';
import { judgeOperatorAuthority } from './judgeOperatorAuthority';
import { reportUnverifiable } from './unverifiable';
import { outcomeOf, updateOutcomes } from './updateOutcomes';

const KILL_SWITCH: StatementUpdateKind<typeof KillSwitchStatementSchema> = {
  code: 'KILL_SWITCH_UNVERIFIED',
  audience: KILL_SWITCH_AUDIENCE,
  schema: KillSwitchStatementSchema,
  activityType: APPLY_KILL_SWITCH_ACTIVITY,
  bindingError(statement, check) {
    return statement.namespace === check.namespace ? null : { expected: `a kill-switch change for namespace ${check.namespace}`, found: `one for namespace ${statement.namespace}` };
  },
};

/**
 * The `writ.killSwitch` verifier (updates to the namespace's `writ-control` run): every
 * change the run applied must be a statement signed by the identity provider (audience
 * `writ-kill-switch`) for this namespace, recorded as applied by its signer
 * (KILL_SWITCH_UNVERIFIED, also for a change applied with no such update), by someone the policy set lets operate it
 * (OPERATOR_NOT_AUTHORIZED). What the switch stopped in other runs is not judged here.
 */
export function killSwitchVerifier(identity: IdentityTrust | null, policies: EvidencePolicies): OperatorRunVerifier {
  return {
    async verifyRun(events: readonly OperatorEventRecord[], check: OperatorEventCheck): Promise<void> {
      if (identity === null) return reportUnverifiable(events, check);
      const outcomes = updateOutcomes(check.run.history);
      const claimed = new Set<ActivityRecord>();
      for (const event of events) {
        const applied = await checkStatementUpdate(KILL_SWITCH, event, outcomeOf(outcomes, event.at.eventId), identity, check, claimed);
        if (applied === null) continue;
        judgeOperatorAuthority(check, policies, event, applied.statement, 'operateKillSwitch', { uid: { type: 'Writ::Namespace', id: check.namespace }, attrs: {}, parents: [] });
      }
      checkNothingAppliedUnclaimed(KILL_SWITCH, KILL_SWITCH_UPDATE, check, claimed);
    },
  };
}
