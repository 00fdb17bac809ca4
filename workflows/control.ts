import { ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, defineUpdate, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { WRIT_ERROR_CODES } from '../core/errors/writError';
import {
  APPLY_KILL_SWITCH_ACTIVITY,
  KILL_SWITCH_UPDATE,
  type OperatorActReceipt,
  type OperatorStatementRequest,
} from '../core/protocol/operatorContract';

export const killSwitchUpdate = defineUpdate<OperatorActReceipt, [string]>(KILL_SWITCH_UPDATE);

const acts = proxyActivities<{ [APPLY_KILL_SWITCH_ACTIVITY]: (request: OperatorStatementRequest) => Promise<OperatorActReceipt> }>({
  startToCloseTimeout: '15s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...WRIT_ERROR_CODES] },
});

export { CONTROL_WORKFLOW_TYPE } from '../core/protocol/operatorContract';

/**
 * The namespace's control workflow (id `writ-control`): every kill-switch change is an
 * update to it, verified by an activity and so recorded in its history. It runs until
 * its history grows long, then continues as new.
 */
export async function writControl(): Promise<void> {
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof writControl>();
}

/**
 * Registers the kill-switch handler. Writ's workflow interceptor calls it when the run is
 * `writControl`, before the identity check, so an update sent with the start is never
 * refused for want of a handler.
 */
export function registerKillSwitchHandler(): void {
  setHandler(
    killSwitchUpdate,
    async (statement) => {
      try {
        return await acts[APPLY_KILL_SWITCH_ACTIVITY]({ statement });
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
