import { WritError } from '../../core/errors/writError';
import type { PolicyDecision, PolicyEngine } from '../../core/policy/policyEngine';

/**
 * What a signed-in operator asks the console to show: the pending approvals across the
 * namespace (`viewPending`, the pending page and its live list), one workflow's page and
 * lineage picture (`viewWorkflow`) or the kill switch page and the options to sign a change
 * (`viewKillSwitch`). Acting (approve, revoke, the kill switch) is decided by the workers
 * under `approveAction`, `revokeWorkflow` and `operateKillSwitch` when the signed statement
 * arrives; the console decides only what it shows. An operator's own passkeys page needs no
 * policy: it shows only the signed-in operator's own bindings, and every operator needs
 * one to act.
 */
export type ConsoleView = 'viewPending' | 'viewWorkflow' | 'viewKillSwitch';

/** What each view shows, in a refusal's words. */
const VIEW_WORDS: Record<ConsoleView, string> = {
  viewPending: 'see the pending approvals',
  viewWorkflow: "see workflows' pages",
  viewKillSwitch: 'see the kill switch',
};

/** Decides, per request, whether the signed-in operator may see a console page. */
export interface ConsoleAccess {
  /**
   * Returns when `operator` may see `view` in the console's namespace; otherwise throws
   * OPERATOR_NOT_AUTHORIZED (or the policy engine's own code when the request cannot be
   * evaluated), so the page is refused before any workflow is read.
   */
  requireView(operator: { readonly principal: string; readonly groups: readonly string[] }, view: ConsoleView): void;
}

/**
 * The console's access decided by Cedar, with the same engine and policy set the workers
 * decide operators' acts with (`policies`: a PolicySource over the project's policies
 * directory, asked on every request): the principal and the groups of the signed-in identity,
 * action `Writ::Action::"viewPending"`, `"viewWorkflow"` or `"viewKillSwitch"`, resource the namespace
 * (`Writ::Namespace`). A policy set whose schema declares no such action, or any Cedar
 * error, refuses: no page is shown because the policies did not say no.
 */
export function cedarConsoleAccess(policies: { current(): PolicyEngine }, namespace: string): ConsoleAccess {
  return {
    requireView(operator, view) {
      // The set in force now (a PolicySource reloads it when its files change); a broken
      // set refuses with its own code (POLICY_INVALID, POLICY_UNAVAILABLE).
      const engine = policies.current();
      let decision: PolicyDecision;
      try {
        decision = engine.decide({
          principal: { id: operator.principal, groups: operator.groups },
          action: view,
          resource: { uid: { type: 'Writ::Namespace', id: namespace }, attrs: {}, parents: [] },
          context: {},
        });
      } catch (error) {
        // Typically a schema that declares no console actions: refused, and said so.
        throw new WritError('OPERATOR_NOT_AUTHORIZED', `the policy set could not decide ${view} for ${operator.principal}: ${(error as Error).message}`, { cause: error });
      }
      if (decision.errors.length > 0 || !decision.allowed) {
        throw new WritError('OPERATOR_NOT_AUTHORIZED', `${operator.principal} may not ${VIEW_WORDS[view]} in namespace ${namespace} (Cedar action ${view})`, {
          facts: { principal: operator.principal, action: view, namespace, determiningPolicies: [...decision.determiningPolicies] },
        });
      }
    },
  };
}
