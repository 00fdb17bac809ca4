import { escapeMarkup } from '../../core/audit/report/escapeMarkup';
import type { AuditedStep, AuditVerdict, RunVerdict } from '../../core/audit/types';

/**
 * One workflow as an operator and an auditor see it: the live audit verdict (the history
 * checker's, each finding with its code), every governed step with its decision, principal,
 * policy, artifact, approvers and outcome, and the lineage picture. Every value is escaped:
 * all of it came from a history.
 */
export function renderWorkflowPage(workflowId: string, verdict: AuditVerdict): string {
  const runs = verdict.runs.filter((run) => run.workflowId === workflowId);
  const related = verdict.runs.length - runs.length;
  const heading = verdict.passed ? `PASSED · ${verdict.artifactsVerified} artifact(s) verified` : `FAILED · ${verdict.findings} finding(s)`;
  return `<h1>${escapeMarkup(workflowId)}</h1>
<p id="verdict" class="${verdict.passed ? 'passed' : 'failed'}"><strong>History check: ${escapeMarkup(heading)}</strong>${related > 0 ? ` (with ${related} related run(s))` : ''}; replay ${escapeMarkup(runs[0]?.replay ?? 'skipped')}.</p>
${runs.map(renderRun).join('\n')}
<h2>Revoke</h2>
<form id="revoke" data-workflow-id="${escapeMarkup(workflowId)}">
<p><label for="revoke-reason">Reason</label><br><input id="revoke-reason" name="reason" required maxlength="500" size="60"></p>
<p><label for="revoke-confirm">Type the workflow id to confirm</label><br><input id="revoke-confirm" name="confirm" required autocomplete="off" size="40"></p>
<p><button type="submit">Revoke this run's authority with your passkey</button></p>
</form>
<p id="statement-status" role="status" aria-live="polite"></p>
<h2>Lineage</h2>
<p><img id="lineage" src="/workflows/${encodeURIComponent(workflowId)}/lineage.svg" alt="The lineage of ${escapeMarkup(workflowId)}: its runs, governed steps, approvals and the hash chain between them"></p>`;
}

function renderRun(run: RunVerdict): string {
  const findings =
    run.findings.length === 0
      ? ''
      : `<ul class="findings">${run.findings.map((f) => `<li><code>${escapeMarkup(f.code)}</code> ${escapeMarkup(f.message)} <span class="muted">(event ${f.eventId ?? '-'}: expected ${escapeMarkup(f.expected)}; found ${escapeMarkup(f.found)})</span></li>`).join('')}</ul>`;
  return `<section class="run" data-run-id="${escapeMarkup(run.runId)}">
<h2>Run <code>${escapeMarkup(run.runId)}</code> <span class="muted">${escapeMarkup(run.workflowType)}</span></h2>
${findings}
<table class="steps"><caption>${run.steps.length} governed step(s)</caption>
<thead><tr><th scope="col">Step</th><th scope="col">Action</th><th scope="col">Decision</th><th scope="col">Principal</th><th scope="col">Policy</th><th scope="col">Approvers</th><th scope="col">Outcome</th><th scope="col">Artifact</th></tr></thead>
<tbody>
${run.steps.map(renderStep).join('\n')}
</tbody></table>
</section>`;
}

function renderStep(step: AuditedStep): string {
  const decision = step.denialCode === null ? step.decision : `${step.decision} (${step.denialCode})`;
  return `<tr data-step-id="${escapeMarkup(step.stepId)}"><td>${escapeMarkup(step.stepId)}</td><td><strong>${escapeMarkup(step.action)}</strong></td><td class="decision">${escapeMarkup(decision)}</td><td>${escapeMarkup(step.principal ?? '-')}</td><td>${escapeMarkup(step.policyVersion ?? '-')}</td><td>${escapeMarkup(step.approvers.join(', ') || '-')}</td><td class="outcome">${escapeMarkup(step.outcome)}</td><td><code>${escapeMarkup(step.artifactId ?? '-')}</code></td></tr>`;
}
