import type { AuditVerdict, AuditedStep, Finding, RunVerdict } from '../types';

/** A run, a governed step, or the approval a step carried. */
export type LineageNode =
  | { readonly id: string; readonly kind: 'run'; readonly run: RunVerdict; readonly findings: readonly Finding[] }
  | {
      readonly id: string;
      readonly kind: 'step';
      /** The node id of the run the step belongs to. */
      readonly runNode: string;
      readonly step: AuditedStep;
      /** A denial mints no artifact, so nothing can follow it in the chain. */
      readonly deadEnd: boolean;
      readonly findings: readonly Finding[];
    }
  | { readonly id: string; readonly kind: 'approval'; readonly stepNode: string; readonly approvers: readonly string[]; readonly findings: readonly Finding[] };

/**
 * How two nodes are linked:
 * - `contains`: a run to each of its steps;
 * - `previous`: a step to the later step of the same run whose artifact names its artifact
 *   as previous (the run's hash chain);
 * - `parent`: a step of another run (the parent, or the run continued as new) to the step
 *   whose artifact names its artifact as parent;
 * - `child-run`: a parent run to a child run (RunVerdict.parent);
 * - `approval`: an approval to the step it approved.
 */
export interface LineageEdge {
  readonly kind: 'contains' | 'previous' | 'parent' | 'child-run' | 'approval';
  readonly from: string;
  readonly to: string;
}

/** A link a node claims but the verdict holds nothing to attach it to. */
export interface UnresolvedLink {
  readonly kind: 'previous' | 'parent' | 'child-run';
  readonly from: string;
  /** The digest (previous / parent) or `workflowId/runId` (child-run) that was not found. */
  readonly target: string;
}

/** The lineage picture's model: drawn by renderLineageSvg, written by reportJson. */
export interface LineageGraph {
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
  readonly unresolved: readonly UnresolvedLink[];
}

/** The node id of a run; ids are built from history coordinates only, so they are stable. */
export function runNodeId(run: { readonly workflowId: string; readonly runId: string }): string {
  return `run:${run.workflowId}/${run.runId}`;
}

/** The node id of a step: its run plus the event that scheduled its authorization. */
export function stepNodeId(run: RunVerdict, step: AuditedStep): string {
  return `step:${run.workflowId}/${run.runId}#${step.authorizeEventId}`;
}

/**
 * Builds the lineage graph from a verdict. Links come from what the artifacts claim
 * (lineage.previous and lineage.parent digests) and from the run's recorded parent, so
 * the picture shows the chain the checker walked; a claimed link to an artifact the
 * verdict does not hold is kept as unresolved rather than dropped, so a broken chain is
 * visible. Findings attach to the step whose authorize or action event they name, and
 * to the run otherwise. A run or step that appears twice (a bundle holding one history
 * twice) gets a `~2` suffix rather than silently sharing a node.
 */
export function buildLineageGraph(verdict: AuditVerdict): LineageGraph {
  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  const unresolved: UnresolvedLink[] = [];

  const seen = new Map<string, number>();
  const claim = (id: string): string => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}~${n}`;
  };
  const runs = verdict.runs.map((run) => ({ run, id: claim(runNodeId(run)), steps: run.steps.map((step) => ({ step, id: claim(stepNodeId(run, step)) })) }));

  // Digests are sha256 of signed artifacts: a digest names one step across the whole audit.
  // A previous link resolves inside its own run only (the chain is per run); a parent
  // link resolves in any other run.
  const stepByDigest = new Map<string, { readonly node: string; readonly run: string }>();
  for (const { id: runId, steps } of runs) {
    for (const { step, id } of steps) {
      if (step.artifactDigest !== null && !stepByDigest.has(step.artifactDigest)) stepByDigest.set(step.artifactDigest, { node: id, run: runId });
    }
  }
  const runIds = new Set(runs.map((r) => r.id));

  for (const { run, id: runId, steps } of runs) {
    const findings = attachFindings(run);
    nodes.push({ id: runId, kind: 'run', run, findings: findings.run });
    if (run.parent !== null) {
      const parentId = runNodeId(run.parent);
      if (runIds.has(parentId)) edges.push({ kind: 'child-run', from: parentId, to: runId });
      else unresolved.push({ kind: 'child-run', from: runId, target: `${run.parent.workflowId}/${run.parent.runId}` });
    }

    for (const { step, id } of steps) {
      nodes.push({ id, kind: 'step', runNode: runId, step, deadEnd: step.decision === 'deny', findings: findings.steps.get(step) ?? [] });
      edges.push({ kind: 'contains', from: runId, to: id });
      if (step.approvers.length > 0) {
        const approvalId = `approval:${id.slice('step:'.length)}`;
        nodes.push({ id: approvalId, kind: 'approval', stepNode: id, approvers: step.approvers, findings: [] });
        edges.push({ kind: 'approval', from: approvalId, to: id });
      }
      for (const kind of ['previous', 'parent'] as const) {
        const digest = step.lineage?.[kind] ?? null;
        if (digest === null) continue;
        const source = stepByDigest.get(digest);
        const sameRun = source?.run === runId;
        if (source === undefined || source.node === id || sameRun !== (kind === 'previous')) unresolved.push({ kind, from: id, target: digest });
        else edges.push({ kind, from: source.node, to: id });
      }
    }
  }
  return { nodes, edges, unresolved };
}

/**
 * Splits a run's findings between its steps and the run itself: a finding belongs to the
 * step whose authorize or action event it names, and to the run when it names no event
 * or an event of no step. The HTML tables and the picture both use this, so they agree.
 */
export function attachFindings(run: RunVerdict): { readonly run: readonly Finding[]; readonly steps: ReadonlyMap<AuditedStep, readonly Finding[]> } {
  const owner = new Map<number, AuditedStep>();
  for (const step of run.steps) {
    if (!owner.has(step.authorizeEventId)) owner.set(step.authorizeEventId, step);
    if (step.actionEventId !== null && !owner.has(step.actionEventId)) owner.set(step.actionEventId, step);
  }
  const runFindings: Finding[] = [];
  const steps = new Map<AuditedStep, Finding[]>();
  for (const finding of run.findings) {
    const step = finding.eventId === null ? undefined : owner.get(finding.eventId);
    if (step === undefined) runFindings.push(finding);
    else steps.set(step, [...(steps.get(step) ?? []), finding]);
  }
  return { run: runFindings, steps };
}
