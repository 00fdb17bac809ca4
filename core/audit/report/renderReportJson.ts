import type { AuditVerdict, AuditedStep, Finding, RunVerdict } from '../types';
import { buildLineageGraph, type LineageGraph, type LineageNode } from './lineageGraph';
import { countSteps, runPassed, summarizeVerdict, type ReportSummary, type StepCounts } from './reportSummary';

/** Names the document so a reader can tell it from other JSON; bumped on any breaking change. */
export const REPORT_FORMAT = 'writ-audit-report';
export const REPORT_FORMAT_VERSION = 1;

/** Where and when a report was made: recorded in it, never derived from the verdict. */
export interface ReportMeta {
  /** ISO 8601 time the report was generated (injected, so reports are reproducible). */
  readonly generatedAt: string;
  /** What was audited, in words: a bundle path, a workflow query. */
  readonly source: string;
}

export interface ReportStepJson {
  readonly stepId: string;
  readonly action: string;
  readonly activityId: string;
  readonly decision: AuditedStep['decision'];
  readonly denialCode: string | null;
  readonly principal: string | null;
  readonly policySetId: string | null;
  readonly policyVersion: string | null;
  readonly approvers: readonly string[];
  readonly outcome: AuditedStep['outcome'];
  readonly artifactId: string | null;
  readonly artifactDigest: string | null;
  readonly lineage: AuditedStep['lineage'];
  readonly authorizeEventId: number;
  readonly actionEventId: number | null;
}

export interface ReportFindingJson {
  readonly code: Finding['code'];
  readonly eventId: number | null;
  readonly expected: string;
  readonly found: string;
  readonly message: string;
}

export interface ReportRunJson {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly parent: RunVerdict['parent'];
  readonly replay: RunVerdict['replay'];
  readonly passed: boolean;
  readonly counts: StepCounts;
  readonly steps: readonly ReportStepJson[];
  readonly findings: readonly ReportFindingJson[];
}

export interface ReportLineageJson {
  readonly nodes: readonly { readonly id: string; readonly kind: LineageNode['kind']; readonly deadEnd: boolean; readonly findings: number }[];
  readonly edges: LineageGraph['edges'];
  readonly unresolved: LineageGraph['unresolved'];
}

/** The JSON report: the same facts as the HTML page, for machines. */
export interface ReportJson {
  readonly format: typeof REPORT_FORMAT;
  readonly formatVersion: typeof REPORT_FORMAT_VERSION;
  readonly generatedAt: string;
  readonly source: string;
  readonly passed: boolean;
  readonly artifactsVerified: number;
  readonly summary: ReportSummary;
  readonly runs: readonly ReportRunJson[];
  readonly lineage: ReportLineageJson;
}

/**
 * The verdict as a stable JSON document: fixed key order, every field copied by name
 * (nothing the checker adds later leaks in unannounced), runs and steps in the verdict's
 * order, every finding code counted. `passed` is the verdict's own answer and-ed with
 * what the report counts, so the report can never say passed over a listed finding.
 */
export function reportJson(verdict: AuditVerdict, meta: ReportMeta): ReportJson {
  const summary = summarizeVerdict(verdict);
  const graph = buildLineageGraph(verdict);
  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    generatedAt: meta.generatedAt,
    source: meta.source,
    passed: reportPassed(verdict),
    artifactsVerified: verdict.artifactsVerified,
    summary,
    runs: verdict.runs.map(runJson),
    lineage: {
      nodes: graph.nodes.map((node) => ({ id: node.id, kind: node.kind, deadEnd: node.kind === 'step' && node.deadEnd, findings: node.findings.length })),
      edges: graph.edges.map((edge) => ({ kind: edge.kind, from: edge.from, to: edge.to })),
      unresolved: graph.unresolved.map((link) => ({ kind: link.kind, from: link.from, target: link.target })),
    },
  };
}

/** `reportJson` serialized: two-space indentation and a final newline. */
export function renderReportJson(verdict: AuditVerdict, meta: ReportMeta): string {
  return `${JSON.stringify(reportJson(verdict, meta), null, 2)}\n`;
}

/** Passed only when the verdict says so and nothing in it contradicts that (fail closed). */
export function reportPassed(verdict: AuditVerdict): boolean {
  return verdict.passed && verdict.findings === 0 && verdict.runs.every(runPassed);
}

function runJson(run: RunVerdict): ReportRunJson {
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.workflowType,
    parent: run.parent === null ? null : { workflowId: run.parent.workflowId, runId: run.parent.runId },
    replay: run.replay,
    passed: runPassed(run),
    counts: countSteps(run.steps),
    steps: run.steps.map(stepJson),
    findings: run.findings.map((f) => ({ code: f.code, eventId: f.eventId, expected: f.expected, found: f.found, message: f.message })),
  };
}

function stepJson(step: AuditedStep): ReportStepJson {
  return {
    stepId: step.stepId,
    action: step.action,
    activityId: step.activityId,
    decision: step.decision,
    denialCode: step.denialCode,
    principal: step.principal,
    policySetId: step.policySetId,
    policyVersion: step.policyVersion,
    approvers: [...step.approvers],
    outcome: step.outcome,
    artifactId: step.artifactId,
    artifactDigest: step.artifactDigest,
    lineage: step.lineage === null ? null : { sequence: step.lineage.sequence, previous: step.lineage.previous, parent: step.lineage.parent },
    authorizeEventId: step.authorizeEventId,
    actionEventId: step.actionEventId,
  };
}
