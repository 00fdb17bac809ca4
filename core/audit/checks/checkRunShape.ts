import { report, type RunContext } from './runContext';

/**
 * Step: the history as a structure. Event ids run 1..n, time never runs backwards, the run
 * starts at event 1 with the workflow type and id the evidence names, every activity end
 * follows its start; anything else is HISTORY_MALFORMED at the event where it shows.
 */
export function checkRunShape(context: RunContext): void {
  const { record, run } = context;
  for (const issue of record.malformed) report(context, 'HISTORY_MALFORMED', issue.eventId, issue.expected, issue.found, 'the history is not well formed');
  if (record.eventCount === 0) {
    report(context, 'HISTORY_MALFORMED', null, 'a history with events', 'no events', 'the history is empty');
    return;
  }
  const start = record.start;
  if (start === null) return;
  if (start.workflowType !== run.workflowType) {
    report(context, 'HISTORY_MALFORMED', start.at.eventId, `workflow type ${run.workflowType}`, `workflow type ${start.workflowType}`, 'the history is not of the workflow the evidence names');
  }
  if (start.workflowId !== null && start.workflowId !== run.workflowId) {
    report(context, 'HISTORY_MALFORMED', start.at.eventId, `workflow id ${run.workflowId}`, `workflow id ${start.workflowId}`, 'the history is not of the workflow the evidence names');
  }
  if (start.originalRunId !== null && start.originalRunId !== run.runId && !record.reset) {
    report(context, 'HISTORY_MALFORMED', start.at.eventId, `run id ${run.runId}`, `run id ${start.originalRunId}`, 'the history is not of the run the evidence names');
  }
}
