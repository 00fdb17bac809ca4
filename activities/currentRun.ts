import type { Info } from '@temporalio/activity';
import { WritError } from '../core/errors/writError';

/** The workflow run an activity of Writ's was scheduled by, as the server recorded it. */
export interface CurrentRun {
  readonly namespace: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  /** This activity's id in the run. */
  readonly activityId: string;
}

/**
 * The run from the activity's own info, which the server sets from the workflow that
 * scheduled it (no input can name another run). Writ's run-scoped activities refuse to run
 * as standalone activities, outside any workflow (AUTHORIZE_FAILED).
 */
export function currentRun(info: Info): CurrentRun {
  if (info.workflowExecution === undefined || info.workflowType === undefined) {
    throw new WritError('AUTHORIZE_FAILED', 'this step of Writ runs only as a step of a workflow run');
  }
  return {
    namespace: info.activityNamespace,
    workflowId: info.workflowExecution.workflowId,
    runId: info.workflowExecution.runId,
    workflowType: info.workflowType,
    activityId: info.activityId,
  };
}
