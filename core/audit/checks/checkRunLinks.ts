import type { Decoded } from '../history/decodePayload';
import { chainHeadBefore } from './checkLineage';
import type { GovernedStep } from './pairGovernedSteps';
import { report, type RunContext } from './runContext';

/** A run as the cross-run check sees it: its context and its governed steps. */
export interface LinkedRun {
  readonly context: RunContext;
  readonly steps: readonly GovernedStep[];
}

/**
 * Step: the chain across runs. A child run must have been started by the parent it names,
 * and the lineage link it was started with must be the parent's chain head at the moment
 * the parent started it, as the parent's history records both; a run continued-as-new
 * likewise continues its predecessor's chain. A related run missing from the evidence
 * cannot be judged: that is noted, never passed silently as checked.
 */
export function checkRunLinks(runs: readonly LinkedRun[]): void {
  const byRunId = new Map(runs.map((run) => [run.context.run.runId, run]));
  for (const run of runs) {
    checkParent(run, byRunId);
    checkPredecessor(run, byRunId);
    noteMissingRelatives(run, byRunId);
  }
}

function checkParent(child: LinkedRun, byRunId: ReadonlyMap<string, LinkedRun>): void {
  const start = child.context.record.start;
  if (start === null || start.parent === null) return;
  const parent = byRunId.get(start.parent.runId);
  if (parent === undefined || parent.context.run.workflowId !== start.parent.workflowId) {
    child.context.notes.push(`parent run ${start.parent.workflowId}/${start.parent.runId} is not in the evidence; the lineage link to it was not checked`);
    return;
  }
  const self = child.context.run;
  const initiated = parent.context.record.children.find((c) => c.workflowId === self.workflowId && (c.started === null || c.started.runId === self.runId));
  if (initiated === undefined || initiated.started === null) {
    const other = parent.context.record.children.find((c) => c.workflowId === self.workflowId);
    report(child.context, 'LINEAGE_BROKEN', start.at.eventId, `parent ${parent.context.run.workflowId}/${parent.context.run.runId} to have started this run`, other?.started ? `the parent started run ${other.started.runId} of ${self.workflowId}` : `the parent started no child ${self.workflowId}`, 'the run names a parent that did not start it');
    return;
  }
  const head = chainHeadBefore(parent.steps, initiated.initiated.eventId);
  compareLink(parent.context, initiated.initiated.eventId, head, initiated.lineageHeader, `the parent's chain head when it started child ${self.workflowId}`);
  compareLink(child.context, start.at.eventId, head, start.lineageHeader, `the chain head of parent ${parent.context.run.workflowId}/${parent.context.run.runId} at its event ${initiated.initiated.eventId}`);
}

function checkPredecessor(next: LinkedRun, byRunId: ReadonlyMap<string, LinkedRun>): void {
  const start = next.context.record.start;
  if (start === null || start.continuedFrom === null) return;
  const previous = byRunId.get(start.continuedFrom);
  if (previous === undefined) {
    next.context.notes.push(`run ${start.continuedFrom}, which this run continues, is not in the evidence; the lineage link to it was not checked`);
    return;
  }
  const end = previous.context.record.end;
  if (end === null || end.kind !== 'continued-as-new' || end.newRunId !== next.context.run.runId) {
    report(next.context, 'LINEAGE_BROKEN', start.at.eventId, `run ${start.continuedFrom} to have continued as this run`, end === null ? 'it has not ended' : end.kind !== 'continued-as-new' ? `it ended ${end.kind}` : `it continued as run ${end.newRunId}`, 'the run names a predecessor that did not continue as it');
    return;
  }
  const head = chainHeadBefore(previous.steps, end.at.eventId);
  compareLink(previous.context, end.at.eventId, head, end.lineageHeader ?? null, 'the chain head when the run continued as new');
  compareLink(next.context, start.at.eventId, head, start.lineageHeader, `the chain head of run ${start.continuedFrom} when it continued as this run`);
}

function compareLink(context: RunContext, eventId: number, expected: string | null, header: Decoded | null, what: string): void {
  const found = header === null ? null : header.ok && typeof header.value === 'string' ? header.value : '(unreadable)';
  if (found !== expected) {
    report(context, 'LINEAGE_BROKEN', eventId, `writ-lineage ${expected ?? 'absent'} (${what})`, `writ-lineage ${found ?? 'absent'}`, 'the lineage link between runs is broken');
  }
}

function noteMissingRelatives(run: LinkedRun, byRunId: ReadonlyMap<string, LinkedRun>): void {
  for (const child of run.context.record.children) {
    if (child.started !== null && !byRunId.has(child.started.runId)) {
      run.context.notes.push(`child run ${child.workflowId}/${child.started.runId} (event ${child.started.eventId}) is not in the evidence; its lineage was not checked`);
    }
  }
}
