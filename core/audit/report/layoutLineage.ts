import type { LineageGraph, LineageNode } from './lineageGraph';

/** Sizes of the lineage picture, in SVG user units (CSS pixels). */
export const GEOMETRY = {
  pad: 24,
  /** Lane left of the step boxes where chain arrows that skip a step run. */
  spine: 24,
  stepW: 280,
  stepH: 64,
  runH: 58,
  colGap: 96,
  rowGap: 30,
  approvalH: 22,
  approvalGap: 8,
} as const;

/** Width of one run's column: the spine lane and the step boxes. */
export const COLUMN_W = GEOMETRY.spine + GEOMETRY.stepW;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface LineageColumn {
  readonly runNode: string;
  readonly x: number;
  readonly top: number;
  readonly bottom: number;
}

/** Where every node of a lineage graph is drawn. */
export interface LineageLayout {
  readonly width: number;
  readonly height: number;
  readonly columns: readonly LineageColumn[];
  /** The box of every run, step and approval node, by node id. */
  readonly boxes: ReadonlyMap<string, Box>;
  /** For each step node, the step drawn directly below it in the same column. */
  readonly below: ReadonlyMap<string, string>;
}

type StepNode = Extract<LineageNode, { kind: 'step' }>;

/**
 * Lays the graph out as one column per run, steps top to bottom in the verdict's order.
 * Columns follow the parent links depth first, so a child run sits right of its parent,
 * and its column starts level with the parent step its first artifact names (or just
 * below the parent's header), so a parent arrow runs across rather than up. Cycles in
 * claimed parents (possible in a forged history) cannot loop: every run is placed once.
 */
export function layoutLineage(graph: LineageGraph): LineageLayout {
  const { pad, spine, stepW, stepH, runH, colGap, rowGap, approvalH, approvalGap } = GEOMETRY;
  const runs = graph.nodes.filter((n) => n.kind === 'run');
  const stepsOf = new Map<string, StepNode[]>(runs.map((r) => [r.id, []]));
  const runOfStep = new Map<string, string>();
  const approvalOf = new Map<string, string>();
  for (const node of graph.nodes) {
    if (node.kind === 'step') {
      stepsOf.get(node.runNode)?.push(node);
      runOfStep.set(node.id, node.runNode);
    } else if (node.kind === 'approval') {
      approvalOf.set(node.stepNode, node.id);
    }
  }

  // The first parent each run names, and the parent step its artifacts name there.
  const anchors = new Map<string, { parentRun: string; step: string | null }>();
  for (const edge of graph.edges) {
    if (edge.kind === 'child-run' && !anchors.has(edge.to)) anchors.set(edge.to, { parentRun: edge.from, step: null });
  }
  for (const edge of graph.edges) {
    if (edge.kind !== 'parent') continue;
    const child = runOfStep.get(edge.to);
    const parentRun = runOfStep.get(edge.from);
    if (child === undefined || parentRun === undefined) continue;
    const anchor = anchors.get(child);
    if (anchor === undefined) anchors.set(child, { parentRun, step: edge.from });
    else if (anchor.parentRun === parentRun && anchor.step === null) anchors.set(child, { parentRun, step: edge.from });
  }
  const children = new Map<string, string[]>();
  for (const run of runs) {
    const parentRun = anchors.get(run.id)?.parentRun;
    if (parentRun !== undefined) children.set(parentRun, [...(children.get(parentRun) ?? []), run.id]);
  }

  const order: string[] = [];
  const placed = new Set<string>();
  const visit = (runId: string): void => {
    if (placed.has(runId)) return;
    placed.add(runId);
    order.push(runId);
    for (const child of children.get(runId) ?? []) visit(child);
  };
  for (const run of runs) if (!anchors.has(run.id)) visit(run.id);
  for (const run of runs) visit(run.id);

  const boxes = new Map<string, Box>();
  const below = new Map<string, string>();
  const columns: LineageColumn[] = [];
  order.forEach((runId, index) => {
    const x = pad + index * (COLUMN_W + colGap);
    const anchor = anchors.get(runId);
    const anchorBox = anchor?.step != null ? boxes.get(anchor.step) : undefined;
    const parentBox = anchor === undefined ? undefined : boxes.get(anchor.parentRun);
    const top = anchorBox?.y ?? (parentBox === undefined ? pad : parentBox.y + runH + rowGap);
    boxes.set(runId, { x, y: top, w: COLUMN_W, h: runH });
    let y = top + runH + rowGap;
    let previous: string | null = null;
    for (const step of stepsOf.get(runId) ?? []) {
      boxes.set(step.id, { x: x + spine, y, w: stepW, h: stepH });
      if (previous !== null) below.set(previous, step.id);
      previous = step.id;
      y += stepH;
      const approval = approvalOf.get(step.id);
      if (approval !== undefined) {
        const w = Math.round(stepW * 0.6);
        boxes.set(approval, { x: x + spine + stepW - w, y: y + approvalGap, w, h: approvalH });
        y += approvalGap + approvalH;
      }
      y += rowGap;
    }
    columns.push({ runNode: runId, x, top, bottom: y - rowGap });
  });

  const width = columns.length === 0 ? 2 * pad + COLUMN_W : pad + columns.length * (COLUMN_W + colGap) - colGap + pad;
  const height = Math.max(pad + runH, ...columns.map((c) => c.bottom)) + pad;
  return { width, height, columns, boxes, below };
}
