import { FINDING_CODES, type AuditVerdict, type AuditedStep, type FindingCode, type RunVerdict } from '../types';

/** Counts over a set of governed steps, as the report's summary table shows them. */
export interface StepCounts {
  readonly steps: number;
  readonly permitted: number;
  readonly denied: number;
  readonly pending: number;
  /** Steps whose action body ran (outcome `completed` or `failed`: a receipt was due). */
  readonly executed: number;
  /** Steps the enforcement point refused to run although an artifact was minted. */
  readonly refused: number;
  /** Steps that carry at least one approval. */
  readonly approved: number;
}

/** The whole audit in numbers: the report's headline. */
export interface ReportSummary extends StepCounts {
  readonly runs: number;
  readonly findings: number;
  /** Every finding code, in the fixed order of FINDING_CODES, with its count (0 included). */
  readonly findingsByCode: Readonly<Record<FindingCode, number>>;
}

/**
 * Counts the steps of one run or of many. Executed means the action body ran, whatever
 * it returned; refused means an artifact existed but the enforcement point stopped the
 * action; a denied step never reached either.
 */
export function countSteps(steps: readonly AuditedStep[]): StepCounts {
  let permitted = 0, denied = 0, pending = 0, executed = 0, refused = 0, approved = 0;
  for (const step of steps) {
    if (step.decision === 'permit') permitted++;
    else if (step.decision === 'deny') denied++;
    else pending++;
    if (step.outcome === 'completed' || step.outcome === 'failed') executed++;
    if (step.outcome === 'refused') refused++;
    if (step.approvers.length > 0) approved++;
  }
  return { steps: steps.length, permitted, denied, pending, executed, refused, approved };
}

/**
 * Summarizes a verdict. Findings are counted from the runs themselves (the list the
 * report shows), so the headline can never disagree with the rows below it.
 */
export function summarizeVerdict(verdict: AuditVerdict): ReportSummary {
  const findingsByCode = Object.fromEntries(FINDING_CODES.map((code) => [code, 0])) as Record<FindingCode, number>;
  let findings = 0;
  for (const run of verdict.runs) {
    for (const finding of run.findings) {
      findingsByCode[finding.code] = (findingsByCode[finding.code] ?? 0) + 1;
      findings++;
    }
  }
  return { runs: verdict.runs.length, ...countSteps(verdict.runs.flatMap((run) => run.steps)), findings, findingsByCode };
}

/** A run passes when it has no finding and its replay did not fail. */
export function runPassed(run: RunVerdict): boolean {
  return run.findings.length === 0 && run.replay !== 'failed';
}
