import { formatFinding } from '../format/formatVerdict';
import type { LogAuditVerdict } from './logVerdict';

/**
 * An audit from the log in words, for a terminal: the checkpoint it rests on, one block per
 * run (each step with its decision, outcome and log entries, each finding with why), and
 * the verdict last.
 */
export function formatLogVerdict(verdict: LogAuditVerdict): string[] {
  const { checkpoint } = verdict;
  const lines = [`log ${checkpoint.origin} at size ${checkpoint.size}, root ${checkpoint.root}${checkpoint.witnesses.length > 0 ? `, cosigned by ${checkpoint.witnesses.join(', ')}` : ''}`];
  for (const run of verdict.runs) {
    const status = run.findings.length === 0 ? 'ok  ' : 'FAIL';
    lines.push(`${status} ${run.workflowType ?? '(type unknown)'} ${run.workflowId} run ${run.runId}: ${run.steps.length} step(s) in the log, ${run.findings.length} finding(s)`);
    for (const step of run.steps) {
      const approvers = step.approvers.length > 0 ? `, approved by ${step.approvers.join(', ')}` : '';
      lines.push(`     step ${step.stepId} ${step.action ?? '?'}: ${step.decision}${step.denialCode === null ? '' : ` (${step.denialCode})`}, ${step.outcome}${approvers}; log entries ${step.logIndices.join(', ')}`);
    }
    for (const finding of run.findings) {
      lines.push(`     ${formatFinding(finding).replace(/^event -: /, `log entry ${finding.logIndex ?? '-'}: `)}`);
      lines.push(`       ${finding.message}`);
    }
    for (const note of run.notes) lines.push(`     note: ${note}`);
  }
  const keys = verdict.keysUsed.length === 0 ? '' : `; signing keys relied on: ${verdict.keysUsed.join(', ')}`;
  lines.push(
    `${verdict.passed ? 'PASSED' : 'FAILED'}: ${verdict.runs.length} run(s) from the log, ${verdict.entriesProven} entries proven included, ${verdict.artifactsVerified} artifact(s), ${verdict.denialsVerified} denial(s), ${verdict.approvalsVerified} approval(s) and ${verdict.receiptsVerified} receipt(s) verified, ${verdict.findings} finding(s)${keys}`,
  );
  return lines;
}
