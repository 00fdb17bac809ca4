import type { AuditVerdict, AuditedStep, Finding, RunVerdict } from '../types';
import { escapeMarkup as esc } from './escapeMarkup';
import { attachFindings, buildLineageGraph } from './lineageGraph';
import { renderLineageSvg } from './renderLineageSvg';
import { reportPassed, type ReportMeta } from './renderReportJson';
import { countSteps, runPassed, summarizeVerdict } from './reportSummary';
import { REPORT_CSS } from './reportStyle';

// The page loads nothing and runs nothing: this policy makes that hold even if some
// string ever slipped past escaping (inline styles only; no script, frame or fetch).
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Above this many runs the per-run step tables start collapsed (the browser still finds text in them). */
const OPEN_RUNS_LIMIT = 25;

/**
 * Renders the human report as one self-contained HTML page: the verdict (PASSED, or how
 * many findings), a summary table, every finding (event, code, expected, found), the
 * lineage picture (inline SVG, `id="lineage"`), and for every run a table of its governed
 * steps (decision, principal, policy version, approvers, outcome, artifact id). No
 * external resource, no script. Every string from the verdict is escaped: histories are
 * attacker-controlled input.
 */
export function renderReportHtml(verdict: AuditVerdict, meta: ReportMeta): string {
  const passed = reportPassed(verdict);
  const summary = summarizeVerdict(verdict);
  const graph = buildLineageGraph(verdict);
  const headline = passed ? 'PASSED' : summary.findings > 0 ? `FAILED · ${plural(summary.findings, 'finding')}` : 'FAILED';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Writ">
<title>Writ audit report: ${esc(headline)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="verdict ${passed ? 'passed' : 'failed'}">
<div class="wrap">
<p class="brand">Writ audit report</p>
<h1 id="verdict">${esc(headline)}</h1>
<p class="meta">Source <code>${esc(meta.source)}</code> · generated ${esc(meta.generatedAt)} · ${esc(plural(verdict.artifactsVerified, 'artifact'))} verified</p>
</div>
</header>
<main class="wrap">
${summarySection(verdict, summary)}
${findingsSection(verdict)}
<section id="lineage-section">
<h2>Lineage</h2>
<p class="hint">One column per workflow run, governed steps top to bottom. Hover a box for its full record.</p>
${LEGEND}
<div class="figure">
${renderLineageSvg(graph)}
</div>
</section>
<section id="steps">
<h2>Governed steps</h2>
${verdict.runs.map((run) => runSection(run, verdict.runs.length <= OPEN_RUNS_LIMIT)).join('\n')}
</section>
</main>
<footer class="wrap">Writ · report format writ-audit-report v1 · the JSON report holds the same facts for machines</footer>
</body>
</html>
`;
}

function summarySection(verdict: AuditVerdict, summary: ReturnType<typeof summarizeVerdict>): string {
  const cells: ReadonlyArray<readonly [string, number, string?]> = [
    ['Runs', summary.runs],
    ['Governed steps', summary.steps],
    ['Permitted', summary.permitted],
    ['Denied', summary.denied, summary.denied > 0 ? 'warn' : ''],
    ['Pending', summary.pending],
    ['Executed', summary.executed],
    ['Refused', summary.refused, summary.refused > 0 ? 'warn' : ''],
    ['Approved', summary.approved],
    ['Artifacts verified', verdict.artifactsVerified],
    ['Findings', summary.findings, summary.findings > 0 ? 'bad' : 'good'],
  ];
  const byCode = Object.entries(summary.findingsByCode).filter(([, n]) => n > 0);
  const runRows = verdict.runs.map((run) => {
    const c = countSteps(run.steps);
    const ok = runPassed(run);
    return `<tr><td><code>${esc(run.workflowId)}</code></td><td>${esc(run.workflowType)}</td><td><code>${esc(run.runId)}</code></td>`
      + `<td>${run.parent === null ? '<span class="none">-</span>' : `<code>${esc(run.parent.workflowId)}</code>`}</td><td>${esc(run.replay)}</td>`
      + `<td class="num">${c.steps}</td><td class="num">${c.permitted}</td><td class="num">${c.denied}</td><td class="num">${run.findings.length}</td>`
      + `<td>${pill(ok ? 'ok' : 'findings', ok ? 'good' : 'bad')}</td></tr>`;
  });
  return `<section id="summary">
<h2>Summary</h2>
<table class="summary"><thead><tr>${cells.map(([label]) => `<th scope="col">${label}</th>`).join('')}</tr></thead>
<tbody><tr>${cells.map(([, value, tone]) => `<td class="num ${tone ?? ''}">${esc(String(value))}</td>`).join('')}</tr></tbody></table>
${byCode.length === 0 ? '' : `<table class="by-code"><thead><tr><th scope="col">Finding code</th><th scope="col">Count</th></tr></thead><tbody>${byCode.map(([code, n]) => `<tr><td><code>${esc(code)}</code></td><td class="num">${n}</td></tr>`).join('')}</tbody></table>`}
<h3>Runs</h3>
<div class="scroll"><table class="runs"><thead><tr><th>Workflow</th><th>Type</th><th>Run</th><th>Parent</th><th>Replay</th><th class="num">Steps</th><th class="num">Permitted</th><th class="num">Denied</th><th class="num">Findings</th><th>Status</th></tr></thead>
<tbody>${runRows.length === 0 ? '<tr><td colspan="10" class="none">No runs.</td></tr>' : runRows.join('\n')}</tbody></table></div>
</section>`;
}

function findingsSection(verdict: AuditVerdict): string {
  const findings = verdict.runs.flatMap((run) => run.findings);
  if (findings.length === 0) return '<section id="findings"><h2>Findings</h2><p class="all-clear">No findings: every governed step was authorized, bound and chained as required.</p></section>';
  const rows = findings.map((f, i) => findingRow(f, i));
  return `<section id="findings">
<h2>Findings (${findings.length})</h2>
<div class="scroll"><table class="findings"><thead><tr><th>Run</th><th class="num">Event</th><th>Code</th><th>Expected</th><th>Found</th><th>Message</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
</section>`;
}

function findingRow(f: Finding, index: number): string {
  return `<tr id="finding-${index}"><td><code>${esc(f.workflowId)}</code><br><code class="muted">${esc(f.runId)}</code></td>`
    + `<td class="num">${f.eventId === null ? '<span class="none">-</span>' : esc(String(f.eventId))}</td><td>${pill(f.code, 'bad')}</td>`
    + `<td><code class="wrap-any">${esc(f.expected)}</code></td><td><code class="wrap-any">${esc(f.found)}</code></td><td>${esc(f.message)}</td></tr>`;
}

function runSection(run: RunVerdict, open: boolean): string {
  const findingsOf = attachFindings(run).steps;
  const rows = run.steps.map((step) => stepRow(step, findingsOf.get(step) ?? []));
  const ok = runPassed(run);
  return `<details class="run"${open ? ' open' : ''}>
<summary><span class="run-title">${esc(run.workflowType)}</span> <code>${esc(run.workflowId)}</code> ${pill(ok ? 'ok' : plural(run.findings.length, 'finding'), ok ? 'good' : 'bad')}</summary>
<p class="run-meta">run <code>${esc(run.runId)}</code> · replay ${esc(run.replay)}${run.parent === null ? '' : ` · child of <code>${esc(run.parent.workflowId)}</code> / <code>${esc(run.parent.runId)}</code>`}</p>
<div class="scroll"><table class="steps"><thead><tr><th class="num">#</th><th>Action · step · activity</th><th>Decision</th><th>Principal</th><th>Policy</th><th>Approvers</th><th>Outcome</th><th>Artifact</th><th title="the artifact's entry in the evidence log, when the audit checked the log">Log</th><th class="num" title="history event ids: authorize → action">Events</th><th>Findings</th></tr></thead>
<tbody>${rows.length === 0 ? '<tr><td colspan="11" class="none">No governed steps.</td></tr>' : rows.join('\n')}</tbody></table></div>
</details>`;
}

function stepRow(step: AuditedStep, findings: readonly Finding[]): string {
  const tone = { permit: 'good', deny: 'bad', pending: 'warn' }[step.decision];
  const outcome = step.decision === 'deny' && step.denialCode !== null ? `${step.outcome} · ${step.denialCode}` : step.outcome;
  const policy = step.policyVersion === null ? '<span class="none">-</span>' : `${esc(step.policySetId ?? '')} <b>${esc(step.policyVersion)}</b>`;
  return `<tr class="decision-${esc(step.decision)}${findings.length > 0 ? ' has-findings' : ''}">`
    + `<td class="num">${step.lineage === null ? '<span class="none">-</span>' : esc(String(step.lineage.sequence))}</td>`
    + `<td><b>${esc(step.action)}</b><br><span class="nowrap"><code>${esc(step.stepId)}</code> <code class="muted">${esc(step.activityId)}</code></span></td>`
    + `<td>${pill(step.decision, tone ?? 'warn')}</td><td class="principal">${text(step.principal)}</td><td class="nowrap">${policy}</td>`
    + `<td>${step.approvers.length === 0 ? '<span class="none">-</span>' : step.approvers.map((a) => esc(a)).join(', ')}</td>`
    + `<td class="outcome-${esc(step.outcome)}">${esc(outcome)}</td><td><code class="artifact">${text(step.artifactId)}</code></td><td class="nowrap">${logCell(step)}</td>`
    + `<td class="num">${esc(`${step.authorizeEventId} → ${step.actionEventId ?? '-'}`)}</td>`
    + `<td>${findings.length === 0 ? '<span class="none">-</span>' : findings.map((f) => pill(f.code, 'bad')).join(' ')}</td></tr>`;
}

const LEGEND = `<ul class="legend" aria-label="Legend">
<li><svg width="34" height="12" aria-hidden="true"><path d="M2,6 H30" stroke="#424a53" stroke-width="1.6"/><path d="M26,2 L32,6 L26,10 z" fill="#424a53"/></svg> chain: the next artifact names this one as previous</li>
<li><svg width="34" height="12" aria-hidden="true"><path d="M2,6 H30" stroke="#8250df" stroke-width="1.8" stroke-dasharray="6 4"/><path d="M26,2 L32,6 L26,10 z" fill="#8250df"/></svg> parent: a child run's artifact names this one as parent</li>
<li><svg width="34" height="12" aria-hidden="true"><path d="M2,6 H30" stroke="#8c959f" stroke-width="1.6" stroke-dasharray="2 4"/><path d="M26,2 L32,6 L26,10 z" fill="#8c959f"/></svg> child run</li>
<li><svg width="34" height="12" aria-hidden="true"><rect x="2" y="1" width="30" height="10" rx="5" fill="#e6f6f8" stroke="#0b7285"/></svg> approval</li>
<li><svg width="20" height="14" aria-hidden="true"><path d="M10,0 V10 M3,10 H17" stroke="#cf222e" stroke-width="2" fill="none"/></svg> dead end: denied, no artifact</li>
<li><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="7" fill="#cf222e"/><text x="8" y="12" text-anchor="middle" font-size="10" font-weight="700" fill="#fff">?</text></svg> claimed link not in this audit</li>
</ul>`;

/** The step's log inclusion: its entry when proven, `not in log` when the log lacks it, `-` when not checked. */
function logCell(step: AuditedStep): string {
  if (step.logIndex === undefined) return '<span class="none">-</span>';
  return step.logIndex === null ? pill('not in log', 'bad') : pill(`entry ${step.logIndex}`, 'good');
}

function pill(label: string, tone: string): string {
  return `<span class="pill ${tone}">${esc(label)}</span>`;
}

function text(value: string | null): string {
  return value === null ? '<span class="none">-</span>' : esc(value);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
