import { escapeMarkup } from '../../core/audit/report/escapeMarkup';
import type { PendingRun } from '../../core/operators/operatorConsole';

/**
 * The pending approvals across workflows, as a table an operator reads top to bottom: what
 * is asked (action and arguments), by whom, under which policy set and version, the reasons
 * (the determining policies Cedar names for the approval it asks), how many approvals it has
 * and needs, and how long it still waits (`data-countdown`: the console's script counts it
 * down between live updates, since the CSP allows no inline script), with a reason the
 * operator may type for their decision (it goes into the signed statement). Arguments are
 * shown as JSON text: whatever a workflow put in any field is escaped, never markup.
 */
export function renderPendingTable(pending: readonly PendingRun[], now: Date): string {
  if (pending.length === 0) return '<p id="pending-empty">Nothing awaits approval.</p>';
  const rows = pending.map((run) => {
    const timeLeft = Math.max(0, Math.round((Date.parse(run.expiresAt) - now.getTime()) / 1000));
    return `<tr data-workflow-id="${escapeMarkup(run.workflowId)}">
<td><a href="/workflows/${encodeURIComponent(run.workflowId)}">${escapeMarkup(run.workflowId)}</a><br><span class="muted">${escapeMarkup(run.workflowType)}</span></td>
<td><strong>${escapeMarkup(run.action)}</strong></td>
<td><code class="args" tabindex="0" aria-label="arguments of ${escapeMarkup(run.action)}">${escapeMarkup(JSON.stringify(run.args))}</code></td>
<td>${escapeMarkup(run.initiator)}</td>
<td class="policy">${escapeMarkup(run.policySetId)} <span class="version">${escapeMarkup(run.policyVersion)}</span><br><span class="muted">asked for by</span><ul class="reasons">${run.requiredBy.map((id) => `<li>${escapeMarkup(id)}</li>`).join('')}</ul></td>
<td class="count">${run.approvers.length} / ${run.required}${run.approvers.length === 0 ? '' : `<br><span class="muted">${escapeMarkup(run.approvers.join(', '))}</span>`}</td>
<td class="time-left"><time datetime="${escapeMarkup(run.expiresAt)}" data-countdown="${escapeMarkup(run.expiresAt)}">${Number.isNaN(timeLeft) ? 'unknown' : timeLeft === 0 ? 'expired' : formatDuration(timeLeft)}</time><br><span class="muted">asked <time datetime="${escapeMarkup(run.requestedAt)}">${escapeMarkup(run.requestedAt)}</time></span></td>
<td class="decide"><input type="text" name="reason" maxlength="500" placeholder="reason (optional)" autocomplete="off" aria-label="Reason for your decision on ${escapeMarkup(run.action)} in ${escapeMarkup(run.workflowId)}"><br><button type="button" data-action="decide" data-decision="approve" data-workflow-id="${escapeMarkup(run.workflowId)}" aria-label="Approve ${escapeMarkup(run.action)} in ${escapeMarkup(run.workflowId)}">Approve</button> <button type="button" data-action="decide" data-decision="deny" data-workflow-id="${escapeMarkup(run.workflowId)}" aria-label="Deny ${escapeMarkup(run.action)} in ${escapeMarkup(run.workflowId)}">Deny</button></td>
</tr>`;
  });
  return `<table id="pending">
<caption>${pending.length} governed step${pending.length === 1 ? '' : 's'} awaiting approval</caption>
<thead><tr><th scope="col">Workflow</th><th scope="col">Action</th><th scope="col">Arguments</th><th scope="col">Initiator</th><th scope="col">Policy</th><th scope="col">Approvals</th><th scope="col">Time left</th><th scope="col">Decide (with your passkey)</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

/** The pending page's main content. */
export function renderPendingPage(pending: readonly PendingRun[], now: Date): string {
  return `<h1>Pending approvals</h1>\n<p id="decision-status" role="status" aria-live="polite"></p>\n<div id="pending-list">${renderPendingTable(pending, now)}</div>`;
}

/** Seconds as `1 h 02 min`, `4 min 05 s` or `12 s` (console.js formats its countdown the same way). */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}
