import type { AuditVerdict, Finding } from '../types';

/** One finding as a line: `event <id>: <code>: expected <...>, found <...>`. */
export function formatFinding(finding: Finding): string {
  return `event ${finding.eventId ?? '-'}: ${finding.code}: expected ${finding.expected}, found ${finding.found}`;
}

/**
 * The verdict in words, for a terminal: one block per run with each finding on its own
 * line (and why, indented), the notes on what could not be checked, and the verdict last.
 * The HTML report and lineage picture are a separate tool on the same verdict.
 */
export function formatVerdict(verdict: AuditVerdict): string[] {
  const lines: string[] = [];
  for (const run of verdict.runs) {
    const permitted = run.steps.filter((step) => step.decision === 'permit').length;
    const status = run.findings.length === 0 ? 'ok  ' : 'FAIL';
    lines.push(`${status} ${run.workflowType} ${run.workflowId} run ${run.runId}: ${run.steps.length} authorization(s), ${permitted} permitted, replay ${run.replay}, ${run.findings.length} finding(s)`);
    for (const finding of run.findings) {
      lines.push(`     ${formatFinding(finding)}`);
      lines.push(`       ${finding.message}`);
    }
    for (const note of run.notes ?? []) lines.push(`     note: ${note}`);
  }
  const keys = verdict.keysUsed === undefined || verdict.keysUsed.length === 0 ? '' : `; signing keys relied on: ${verdict.keysUsed.join(', ')}`;
  lines.push(
    `${verdict.passed ? 'PASSED' : 'FAILED'}: ${verdict.runs.length} run(s), ${verdict.artifactsVerified} artifact(s) and ${verdict.receiptsVerified ?? 0} receipt(s) verified, ${verdict.findings} finding(s)${keys}`,
  );
  return lines;
}
