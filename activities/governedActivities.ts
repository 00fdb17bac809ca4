import { WritError } from '../core/errors/writError';
import { toApplicationFailure } from '../core/errors/toApplicationFailure';
import type { ActionRegistry } from '../core/actions/actionRegistry';
import { AUTHORIZE_ACTIVITY, HAND_OFF_ACTIVITY, VERIFY_IDENTITY_ACTIVITY } from '../core/protocol/authorizeContract';
import { APPLY_KILL_SWITCH_ACTIVITY, APPLY_REVOCATION_ACTIVITY, VERIFY_APPROVAL_ACTIVITY } from '../core/protocol/operatorContract';
import { createApplyKillSwitch, createApplyRevocation, createVerifyApproval } from './operatorActivities';
import { actionContextStore } from './actionContextStore';
import { createAuthorize } from './authorize';
import type { GovernanceDeps } from './governanceDeps';
import type { WritRole } from '../core/config/writRole';
import { createVerifyIdentity } from './verifyIdentity';
import { createHandOff } from './handOff';
import { RECORD_APPROVAL_TIMEOUT_ACTIVITY } from '../core/protocol/approvalTimeoutContract';
import { createRecordApprovalTimeout } from './recordApprovalTimeout';
import { validateInput } from './validateInput';

/**
 * The activities a governed worker of `role` registers: Writ's own steps and one activity
 * per governed action. An authorizer registers `writ.authorize` alone; an executor
 * everything else (identity checks and hand-offs, approval and operator checks, the actions), never
 * `writ.authorize`; role `all` both. An action activity validates its input again and runs
 * only inside the context the enforcement interceptor establishes after verifying the
 * artifact.
 */
export function createGovernedActivities(deps: GovernanceDeps, role: WritRole = 'all'): Record<string, (...args: unknown[]) => Promise<unknown>> {
  if (role === 'authorizer') return { [AUTHORIZE_ACTIVITY]: createAuthorize(deps) as never };
  const activities: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    ...(role === 'all' ? { [AUTHORIZE_ACTIVITY]: createAuthorize(deps) as never } : {}),
    [VERIFY_IDENTITY_ACTIVITY]: createVerifyIdentity(deps) as never,
    [HAND_OFF_ACTIVITY]: createHandOff(deps) as never,
    [VERIFY_APPROVAL_ACTIVITY]: createVerifyApproval(deps) as never,
    [APPLY_REVOCATION_ACTIVITY]: createApplyRevocation(deps) as never,
    [APPLY_KILL_SWITCH_ACTIVITY]: createApplyKillSwitch(deps) as never,
    [RECORD_APPROVAL_TIMEOUT_ACTIVITY]: createRecordApprovalTimeout(deps) as never,
  };
  for (const name of deps.registry.names()) activities[name] = createActionActivity(name, deps.registry);
  return activities;
}

function createActionActivity(name: string, registry: ActionRegistry): (...args: unknown[]) => Promise<unknown> {
  const action = registry.get(name);
  return async (...args: unknown[]) => {
    const context = actionContextStore.getStore();
    if (context === undefined) {
      throw toApplicationFailure(new WritError('ARTIFACT_MISSING', `${name} reached without a verified artifact`), 'ARTIFACT_MISSING');
    }
    let input: unknown;
    try {
      input = validateInput(name, action, args);
    } catch (error) {
      throw toApplicationFailure(error, 'INPUT_INVALID');
    }
    return action.execute(input as never, context);
  };
}
