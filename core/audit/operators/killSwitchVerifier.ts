import { KillSwitchStatementSchema, KILL_SWITCH_AUDIENCE, type KillSwitchStatement } from '../../operators/statements';
import { APPLY_KILL_SWITCH_ACTIVITY, KILL_SWITCH_UPDATE } from '../../protocol/operatorContract';
import type { OperatorEventCheck, OperatorRunVerifier } from '../checks/checkOperatorEvents';
import type { ActivityRecord, OperatorEventRecord } from '../history/runRecord';
import { checkNothingAppliedUnclaimed, checkStatementUpdate, type AppliedStatement, type StatementUpdateKind } from './checkStatementUpdate';
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
 * (OPERATOR_NOT_AUTHORIZED), fresh when it arrived (STATEMENT_STALE). Every lift must
 * name the halt in force: after a change this run applied, that change, which must be a
 * halt (KILL_SWITCH_STATE_MISMATCH). The first change of a run has nothing before it in
 * this history (an earlier run, continued as new or not, made the state it changes), so
 * a first lift is noted, its halt judged by the store. What the switch stopped in other
 * runs is not judged here.
 */
export function killSwitchVerifier(identity: IdentityTrust | null, policies: EvidencePolicies): OperatorRunVerifier {
  return {
    async verifyRun(events: readonly OperatorEventRecord[], check: OperatorEventCheck): Promise<void> {
      if (identity === null) return reportUnverifiable(events, check);
      const outcomes = updateOutcomes(check.run.history);
      const claimed = new Set<ActivityRecord>();
      let inForce: AppliedStatement<KillSwitchStatement> | null = null;
      for (const event of events) {
        const applied = await checkStatementUpdate(KILL_SWITCH, event, outcomeOf(outcomes, event.at.eventId), identity, check, claimed);
        if (applied === null) continue;
        judgeOperatorAuthority(check, policies, event, applied.statement, 'operateKillSwitch', { uid: { type: 'Writ::Namespace', id: check.namespace }, attrs: {}, parents: [] });
        checkNamesStateInForce(check, event, applied, inForce);
        inForce = applied;
      }
      checkNothingAppliedUnclaimed(KILL_SWITCH, KILL_SWITCH_UPDATE, check, claimed);
    },
  };
}

/**
 * Step: a lift names the halt in force, as the store's compare-and-set requires. Before
 * the run's first applied change the state is another history's, so a first lift is a
 * note, never a pass or a finding.
 */
function checkNamesStateInForce(check: OperatorEventCheck, event: OperatorEventRecord, applied: AppliedStatement<KillSwitchStatement>, inForce: AppliedStatement<KillSwitchStatement> | null): void {
  const statement = applied.statement.statement;
  if (statement.engage) return;
  if (inForce === null) {
    check.note(`the lift at event ${event.at.eventId} names halt ${statement.lifts}, made before this run's history: the governance store checked it when it was applied`);
    return;
  }
  const held = inForce.statement;
  if (!held.statement.engage || held.statementDigest !== statement.lifts) {
    check.report(
      'KILL_SWITCH_STATE_MISMATCH',
      event.at.eventId,
      held.statement.engage ? `a lift of the halt in force, ${held.statementDigest} (applied at event ${inForce.appliedAt.eventId})` : `no lift: the switch was lifted at event ${inForce.appliedAt.eventId}`,
      `a lift naming ${statement.lifts}`,
      'the control run applied a lift of another halt than the one in force',
    );
  }
}
