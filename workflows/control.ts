import { ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, defineQuery, defineUpdate, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { WRIT_ERROR_CODES } from '../core/errors/writError';
import {
  APPLY_KILL_SWITCH_ACTIVITY,
  KILL_SWITCH_STATE_QUERY,
  KILL_SWITCH_UPDATE,
  type KillSwitchInForce,
  type KillSwitchReceipt,
  type OperatorStatementRequest,
} from '../core/protocol/operatorContract';

export const killSwitchUpdate = defineUpdate<KillSwitchReceipt, [string]>(KILL_SWITCH_UPDATE);
export const killSwitchStateQuery = defineQuery<KillSwitchInForce | null>(KILL_SWITCH_STATE_QUERY);

const acts = proxyActivities<{ [APPLY_KILL_SWITCH_ACTIVITY]: (request: OperatorStatementRequest) => Promise<KillSwitchReceipt> }>({
  startToCloseTimeout: '15s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...WRIT_ERROR_CODES] },
});

export { CONTROL_WORKFLOW_TYPE } from '../core/protocol/operatorContract';

// The change this run's history applied last (or the one its previous run handed on), so
// an operator console can name the halt a resume lifts. Per run: the workflow sandbox
// gives each execution its own module state.
let inForce: KillSwitchInForce | null = null;
let appliedHere = false;

/**
 * The namespace's control workflow (id `writ-control`): every kill-switch change is an
 * update to it, verified by an activity and so recorded in its history. It runs until
 * its history grows long, then continues as new, handing on the change in force.
 */
export async function writControl(carried?: KillSwitchInForce | null): Promise<void> {
  // An update delivered with the start may already have applied a later change.
  if (!appliedHere && carried !== undefined) inForce = carried;
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof writControl>(inForce);
}

/**
 * Registers the kill-switch handlers. Writ's workflow interceptor calls it when the run is
 * `writControl`, before the identity check, so an update sent with the start is never
 * refused for want of a handler.
 */
export function registerKillSwitchHandler(): void {
  setHandler(killSwitchStateQuery, () => inForce);
  setHandler(
    killSwitchUpdate,
    async (statement) => {
      try {
        const receipt = await acts[APPLY_KILL_SWITCH_ACTIVITY]({ statement });
        inForce = { engaged: receipt.engaged, statementDigest: receipt.statementDigest, by: receipt.by, at: receipt.at };
        appliedHere = true;
        return receipt;
      } catch (error) {
        if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type) {
          throw ApplicationFailure.create({ type: error.cause.type, message: error.cause.message, nonRetryable: true });
        }
        throw error;
      }
    },
    {
      validator: (statement) => {
        if (typeof statement !== 'string' || statement.length === 0) throw ApplicationFailure.create({ type: 'STATEMENT_INVALID', message: 'a signed statement is required', nonRetryable: true });
      },
    },
  );
}
