import type { AuditedStep } from '../types';
import { escapeMarkup as esc, fitText } from './escapeMarkup';
import type { LineageEdge, LineageGraph, LineageNode, UnresolvedLink } from './lineageGraph';
import { GEOMETRY, layoutLineage, type Box, type LineageLayout } from './layoutLineage';
import { runPassed } from './reportSummary';

type RunNode = Extract<LineageNode, { kind: 'run' }>;
type StepNode = Extract<LineageNode, { kind: 'step' }>;
type ApprovalNode = Extract<LineageNode, { kind: 'approval' }>;

/** X offset, inside a step box, of the straight chain arrow between neighbouring steps. */
const CHAIN_X = 28;

// Scoped to the picture so it also reads when the SVG is lifted out of the page.
const SVG_STYLE = `
#lineage text { font-family: system-ui, "Segoe UI", "DejaVu Sans", sans-serif; font-size: 11.5px; fill: #3d4852; }
#lineage .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", monospace; font-size: 10.5px; }
#lineage .title { font-size: 13px; font-weight: 600; fill: #1f2328; }
#lineage .muted { fill: #656d76; }
#lineage .badge { font-size: 9.5px; font-weight: 700; letter-spacing: .04em; fill: #fff; }
#lineage .column { fill: #f6f8fa; stroke: #d8dee4; }
#lineage .run rect.box { fill: #ffffff; stroke: #8c959f; }
#lineage .step rect.box { stroke-width: 1.5; }
#lineage .decision-permit rect.box { fill: #f1faf3; stroke: #2da44e; }
#lineage .decision-deny rect.box { fill: #fff1f0; stroke: #cf222e; }
#lineage .decision-pending rect.box { fill: #fff8e5; stroke: #bf8700; }
#lineage .outcome-refused rect.box { fill: #fff4e8; stroke: #d4650a; stroke-dasharray: 5 3; }
#lineage .has-findings rect.box { stroke: #cf222e; stroke-width: 2.5; }
#lineage .approval rect.box { fill: #e6f6f8; stroke: #0b7285; }
#lineage .approval text { fill: #0b5563; font-size: 11px; }
#lineage .edge { fill: none; stroke-width: 1.6; }
#lineage .edge-previous { stroke: #424a53; }
#lineage .edge-parent { stroke: #8250df; stroke-dasharray: 6 4; stroke-width: 1.8; }
#lineage .edge-child-run { stroke: #8c959f; stroke-dasharray: 2 4; }
#lineage .edge-approval { stroke: #0b7285; }
#lineage .dead-end { stroke: #cf222e; stroke-width: 2; fill: none; }
#lineage .dead-end-label { fill: #cf222e; font-size: 10px; font-style: italic; }
#lineage .unresolved circle { fill: #cf222e; }
#lineage .unresolved text { fill: #fff; font-size: 10px; font-weight: 700; }
`;

const MARKERS: ReadonlyArray<readonly [LineageEdge['kind'], string]> = [
  ['previous', '#424a53'],
  ['parent', '#8250df'],
  ['child-run', '#8c959f'],
  ['approval', '#0b7285'],
];

/**
 * Draws a lineage graph as an inline SVG with id `lineage`: a column per run, steps top
 * to bottom, arrows for chain, parent and approval links (and a child-run arrow where no
 * parent arrow joins the two runs), a stop bar under
 * every denied step (a denial mints nothing, so the chain cannot continue from it), a red
 * `?` where an artifact claims a link the audit does not hold, and a red frame and count
 * on nodes with findings. Every node carries a `<title>` with its full facts (tooltips
 * and assistive technology); box text is shortened to fit. All text is escaped.
 */
export function renderLineageSvg(graph: LineageGraph): string {
  const layout = layoutLineage(graph);
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const steps = graph.nodes.filter((n) => n.kind === 'step').length;
  const parts: string[] = [];
  parts.push(
    `<svg id="lineage" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="lineage-title" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">`,
    `<title id="lineage-title">Execution lineage: ${layout.columns.length} run(s), ${steps} governed step(s)</title>`,
    `<style>${SVG_STYLE}</style>`,
    '<defs>',
    ...MARKERS.map(([kind, color]) => `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`),
    '</defs>',
  );
  for (const column of layout.columns) {
    parts.push(`<rect class="column" x="${column.x - 10}" y="${column.top - 10}" width="${GEOMETRY.spine + GEOMETRY.stepW + 20}" height="${column.bottom - column.top + 20}" rx="10"/>`);
  }
  // A child-run arrow adds nothing where a parent arrow already joins the two runs' steps,
  // and long header-to-header arrows clutter a wide audit: draw it only when it is the sole link.
  const runOf = new Map(graph.nodes.flatMap((n) => (n.kind === 'step' ? [[n.id, n.runNode] as const] : [])));
  const stepLinked = new Set(graph.edges.filter((e) => e.kind === 'parent').map((e) => `${runOf.get(e.from)}>${runOf.get(e.to)}`));
  for (const edge of graph.edges) {
    if (edge.kind === 'child-run' && stepLinked.has(`${edge.from}>${edge.to}`)) continue;
    parts.push(drawEdge(edge, layout));
  }
  graph.nodes.forEach((node, index) => {
    const box = layout.boxes.get(node.id);
    if (box === undefined) return;
    const unresolved = graph.unresolved.filter((u) => u.from === node.id);
    if (node.kind === 'run') parts.push(drawRun(node, box, index, unresolved));
    else if (node.kind === 'step') parts.push(drawStep(node, box, index, unresolved, layout));
    else parts.push(drawApproval(node, box, index, nodes.get(node.stepNode)));
  });
  if (layout.columns.length === 0) parts.push(`<text x="${GEOMETRY.pad}" y="${GEOMETRY.pad + 16}" class="muted">No runs in this audit.</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

function drawEdge(edge: LineageEdge, layout: LineageLayout): string {
  const from = layout.boxes.get(edge.from);
  const to = layout.boxes.get(edge.to);
  if (from === undefined || to === undefined || edge.kind === 'contains') return '';
  const marker = `marker-end="url(#arrow-${edge.kind})"`;
  const path = (d: string): string => `<path class="edge edge-${edge.kind}" d="${d}" ${marker}/>`;
  if (edge.kind === 'approval') return path(`M${from.x + from.w / 2},${from.y} V${to.y + to.h + 1}`);
  if (edge.kind === 'previous') {
    if (layout.below.get(edge.from) === edge.to) return path(`M${from.x + CHAIN_X},${from.y + from.h} V${to.y - 1}`);
    // Skipping a step (a denial between them): run down the spine lane left of the boxes.
    const sx = from.x - GEOMETRY.spine / 2, fy = from.y + from.h / 2, ty = to.y + to.h / 2, r = Math.sign(ty - fy) * 6;
    return path(`M${from.x},${fy} H${sx + 6} Q${sx},${fy} ${sx},${fy + r} V${ty - r} Q${sx},${ty} ${sx + 6},${ty} H${to.x - 1}`);
  }
  // parent and child-run links go across columns, from the right edge to the left edge.
  const fx = from.x + from.w, fy = from.y + (edge.kind === 'child-run' ? 18 : from.h / 2);
  const tx = to.x, ty = to.y + (edge.kind === 'child-run' ? 18 : to.h / 2);
  const dx = Math.max(40, Math.abs(tx - fx) / 2);
  return path(`M${fx},${fy} C${fx + dx},${fy} ${tx - dx},${ty} ${tx - 1},${ty}`);
}

function drawRun(node: RunNode, box: Box, index: number, unresolved: readonly UnresolvedLink[]): string {
  const run = node.run;
  // The badge speaks for the whole run (its steps' findings too); the title lists only
  // the findings that name no step, since each step's own title lists its findings.
  const passed = runPassed(run);
  const status = passed ? 'RUN OK' : run.findings.length > 0 ? `${run.findings.length} FINDING${run.findings.length === 1 ? '' : 'S'}` : 'REPLAY FAILED';
  const title = [
    `Run of ${run.workflowType}`,
    `workflow ${run.workflowId}`,
    `run ${run.runId}`,
    run.parent === null ? 'no parent run' : `child of ${run.parent.workflowId} / ${run.parent.runId}`,
    `replay ${run.replay}`,
    `${run.steps.length} governed step(s), ${run.findings.length} finding(s)`,
    ...node.findings.map((f) => `run finding ${f.code}: ${f.message}`),
    ...unresolved.map(describeUnresolved),
  ];
  const badgeW = Math.round(status.length * 6.4 + 14);
  return [
    `<g class="node node-run run${passed ? '' : ' has-findings'}" id="lineage-node-${index}" role="img">`,
    `<title>${esc(title.join('\n'))}</title>`,
    `<rect class="box" x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="8"/>`,
    `<rect x="${box.x}" y="${box.y}" width="5" height="${box.h}" rx="2" fill="${passed ? '#2da44e' : '#cf222e'}"/>`,
    `<text class="title" x="${box.x + 14}" y="${box.y + 19}">${esc(fitText(run.workflowType, 22))}</text>`,
    badge(box.x + box.w - badgeW - 8, box.y + 7, badgeW, status, passed ? '#2da44e' : '#cf222e'),
    `<text class="mono" x="${box.x + 14}" y="${box.y + 35}">${esc(fitText(run.workflowId, 40))}</text>`,
    `<text class="muted" x="${box.x + 14}" y="${box.y + 50}">${esc(fitText(`run ${run.runId}`, 30))} · replay ${esc(run.replay)}</text>`,
    ...unresolved.map((u, k) => unresolvedMark(box.x - 12, box.y + 12 + k * 18)),
    '</g>',
  ].join('');
}

function drawStep(node: StepNode, box: Box, index: number, unresolved: readonly UnresolvedLink[], layout: LineageLayout): string {
  const step = node.step;
  const classes = ['node', 'node-step', 'step', `decision-${esc(step.decision)}`, `outcome-${esc(step.outcome)}`];
  if (node.deadEnd) classes.push('dead-end-step');
  if (node.findings.length > 0) classes.push('has-findings');
  const seq = step.lineage === null ? '' : `${step.lineage.sequence}. `;
  const decisionColor = { permit: '#2da44e', deny: '#cf222e', pending: '#bf8700' }[step.decision] ?? '#656d76';
  const who = `${step.principal ?? 'no principal'} · policy ${step.policyVersion ?? '-'}`;
  const parts = [
    `<g class="${classes.join(' ')}" id="lineage-node-${index}" role="img">`,
    `<title>${esc(stepTitle(node, unresolved).join('\n'))}</title>`,
    `<rect class="box" x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="7"/>`,
    `<text class="title" x="${box.x + 10}" y="${box.y + 21}">${esc(fitText(`${seq}${step.action}`, 25))}</text>`,
    badge(box.x + box.w - 62, box.y + 9, 54, step.decision.toUpperCase(), decisionColor),
    `<text x="${box.x + 10}" y="${box.y + 38}">${esc(fitText(who, 38))}</text>`,
    `<text class="muted" x="${box.x + 10}" y="${box.y + 55}">${esc(fitText(outcomeText(step), 24))}</text>`,
    `<text class="mono muted" x="${box.x + box.w - 10}" y="${box.y + 55}" text-anchor="end">${esc(step.artifactId === null ? 'no artifact' : `art ${fitText(step.artifactId, 9)}`)}</text>`,
  ];
  if (step.logIndex !== undefined) {
    // The log inclusion of the step's artifact: proven (its entry) or missing from the log.
    const label = step.logIndex === null ? 'not in log' : `log ${step.logIndex}`;
    parts.push(badge(box.x + 8, box.y - 9, Math.round(label.length * 7 + 12), label, step.logIndex === null ? '#cf222e' : '#2da44e'));
  }
  if (node.findings.length > 0) {
    const label = `⚠ ${node.findings.length}`;
    parts.push(badge(box.x + box.w - 112, box.y - 9, Math.round(label.length * 7 + 12), label, '#cf222e'));
  }
  if (node.deadEnd) {
    const x = box.x + CHAIN_X, y = box.y + box.h;
    parts.push(`<path class="dead-end" d="M${x},${y} V${y + 10} M${x - 7},${y + 10} H${x + 7}"/>`);
    if (layout.below.has(node.id)) parts.push(`<text class="dead-end-label" x="${x + 12}" y="${y + 14}">chain ends: denied</text>`);
  }
  parts.push(...unresolved.map((_, k) => unresolvedMark(box.x - GEOMETRY.spine / 2, box.y + 12 + k * 18)), '</g>');
  return parts.join('');
}

function drawApproval(node: ApprovalNode, box: Box, index: number, step: LineageNode | undefined): string {
  const action = step?.kind === 'step' ? step.step.action : 'step';
  const title = `Approval of ${action} by ${node.approvers.join(', ')}`;
  return [
    `<g class="node node-approval approval" id="lineage-node-${index}" role="img">`,
    `<title>${esc(title)}</title>`,
    `<rect class="box" x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="${box.h / 2}"/>`,
    `<text x="${box.x + 10}" y="${box.y + 15}">${esc(fitText(`✔ approved by ${node.approvers.join(', ')}`, 26))}</text>`,
    '</g>',
  ].join('');
}

function stepTitle(node: StepNode, unresolved: readonly UnresolvedLink[]): string[] {
  const s = node.step;
  return [
    `Governed step ${s.stepId}: ${s.action}`,
    `activity ${s.activityId}`,
    `decision ${s.decision}${s.denialCode === null ? '' : ` (${s.denialCode})`}`,
    `principal ${s.principal ?? '-'}`,
    `policy ${s.policySetId ?? '-'} version ${s.policyVersion ?? '-'}`,
    `approvers ${s.approvers.length === 0 ? '-' : s.approvers.join(', ')}`,
    `outcome ${s.outcome}`,
    `artifact ${s.artifactId ?? '-'} ${s.artifactDigest ?? ''}`.trimEnd(),
    s.lineage === null ? 'no lineage' : `lineage #${s.lineage.sequence} previous ${s.lineage.previous ?? '-'} parent ${s.lineage.parent ?? '-'}`,
    `events: authorize ${s.authorizeEventId}, action ${s.actionEventId ?? '-'}`,
    ...(s.logIndex === undefined ? [] : [s.logIndex === null ? 'not in the evidence log' : `evidence log entry ${s.logIndex}, proven under the checkpoint`]),
    ...(node.deadEnd ? ['dead end: a denial mints no artifact, so the chain does not continue from here'] : []),
    ...node.findings.map((f) => `finding ${f.code} at event ${f.eventId ?? '-'}: ${f.message}`),
    ...unresolved.map(describeUnresolved),
  ];
}

function outcomeText(step: AuditedStep): string {
  if (step.decision === 'deny') return `denied ${step.denialCode ?? ''}`.trimEnd();
  switch (step.outcome) {
    case 'completed': return '✓ executed';
    case 'failed': return '✕ executed, failed';
    case 'refused': return '⊘ refused by worker';
    case 'not-scheduled': return 'not scheduled';
    case 'pending': return '… pending';
  }
}

function describeUnresolved(link: UnresolvedLink): string {
  return link.kind === 'child-run'
    ? `claims parent run ${link.target}, which is not in this audit`
    : link.kind === 'previous'
      ? `claims previous artifact ${link.target}, which no earlier step of this run holds`
      : `claims parent artifact ${link.target}, which no other run in this audit holds`;
}

function unresolvedMark(cx: number, cy: number): string {
  return `<g class="unresolved"><circle cx="${cx}" cy="${cy}" r="7"/><text x="${cx}" y="${cy + 3.5}" text-anchor="middle">?</text></g>`;
}

function badge(x: number, y: number, w: number, label: string, color: string): string {
  return `<rect x="${x}" y="${y}" width="${w}" height="16" rx="8" fill="${color}"/><text class="badge" x="${x + w / 2}" y="${y + 11.5}" text-anchor="middle">${esc(label)}</text>`;
}
