import type { PolicySetEvidence } from '../evidence/policySetEvidence';
import { reportLogged, type LoggedRunContext } from './loggedRunContext';

/**
 * Step: every artifact of the run that verified cites a policy set the auditor holds, by
 * digest, under the id and version it names (POLICY_SET_UNKNOWN), as the history checker
 * requires: a decision is only as auditable as the policy it was made under. The sets are
 * keyed by their digest, recomputed from their text when they were given.
 */
export function checkLoggedPolicySets(context: LoggedRunContext, policySets: ReadonlyMap<string, PolicySetEvidence>): void {
  for (const artifact of context.artifacts) {
    const cited = artifact.claims.writ.policy;
    const set = policySets.get(cited.digest);
    if (set === undefined) {
      reportLogged(context, 'POLICY_SET_UNKNOWN', artifact.logged.index, `a policy set the auditor holds (${[...policySets.values()].map((s) => `${s.id}@${s.version}`).join(', ') || 'none'})`, `${cited.setId}@${cited.version} with digest ${cited.digest}`, 'the artifact was decided under a policy set the auditor does not hold');
    } else if (set.id !== cited.setId || set.version !== cited.version) {
      reportLogged(context, 'POLICY_SET_UNKNOWN', artifact.logged.index, `${set.id}@${set.version} for digest ${cited.digest}`, `${cited.setId}@${cited.version}`, 'the artifact names its policy set inconsistently');
    }
  }
}
