import { buildLineageGraph, type LineageGraph, type LineageNode } from '../../../../core/audit/report/lineageGraph';
import type { AuditVerdict, RunVerdict } from '../../../../core/audit/types';
import { digest, step, twoRunVerdict } from './verdictFixture';

const edgesOf = (graph: LineageGraph, kind: string): string[] => graph.edges.filter((e) => e.kind === kind).map((e) => `${e.from} -> ${e.to}`);
const node = (graph: LineageGraph, id: string): LineageNode | undefined => graph.nodes.find((n) => n.id === id);

function oneRun(steps: RunVerdict['steps'], parent: RunVerdict['parent'] = null): AuditVerdict {
  return { passed: true, artifactsVerified: steps.length, findings: 0, runs: [{ workflowId: 'w', runId: 'r', workflowType: 't', parent, replay: 'passed', steps, findings: [] }] };
}

describe('buildLineageGraph', () => {
  const graph = buildLineageGraph(twoRunVerdict());

  it('has a node per run, per step and per approved step', () => {
    const kinds = graph.nodes.map((n) => n.kind);
    expect(kinds.filter((k) => k === 'run')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'step')).toHaveLength(6);
    expect(graph.nodes.filter((n) => n.kind === 'approval')).toEqual([
      { id: 'approval:order-7/run-a#23', kind: 'approval', stepNode: 'step:order-7/run-a#23', approvers: ['bob', 'carol'], findings: [] },
    ]);
  });

  describe('previous links', () => {
    it('follow each artifact to the step whose artifact it names as previous, within the run', () => {
      expect(edgesOf(graph, 'previous')).toEqual([
        'step:order-7/run-a#5 -> step:order-7/run-a#23',
        'step:order-7/run-a#23 -> step:order-7/run-a#41',
        'step:order-7-shipping/run-b#5 -> step:order-7-shipping/run-b#15',
      ]);
    });

    it('do not resolve to a step of another run (the chain is per run)', () => {
      const verdict = twoRunVerdict();
      const child = verdict.runs[1]!;
      const forged = { ...verdict, runs: [verdict.runs[0]!, { ...child, steps: [{ ...child.steps[0]!, lineage: { sequence: 1, previous: digest('a1'), parent: null } }] }] };
      const g = buildLineageGraph(forged);
      expect(edgesOf(g, 'previous')).not.toContain('step:order-7/run-a#5 -> step:order-7-shipping/run-b#5');
      expect(g.unresolved).toContainEqual({ kind: 'previous', from: 'step:order-7-shipping/run-b#5', target: digest('a1') });
    });

    it('keep a claimed previous artifact the audit does not hold as unresolved, not as an edge', () => {
      const g = buildLineageGraph(oneRun([step({ stepId: 's', authorizeEventId: 5, artifactDigest: digest('s'), lineage: { sequence: 2, previous: digest('gone'), parent: null } })]));
      expect(edgesOf(g, 'previous')).toEqual([]);
      expect(g.unresolved).toEqual([{ kind: 'previous', from: 'step:w/r#5', target: digest('gone') }]);
    });

    it('do not let a step name itself as previous', () => {
      const g = buildLineageGraph(oneRun([step({ stepId: 's', authorizeEventId: 5, artifactDigest: digest('s'), lineage: { sequence: 1, previous: digest('s'), parent: null } })]));
      expect(edgesOf(g, 'previous')).toEqual([]);
      expect(g.unresolved).toHaveLength(1);
    });
  });

  describe('parent links', () => {
    it("link the child run's first step to the parent step its artifact names, and the runs themselves", () => {
      expect(edgesOf(graph, 'parent')).toEqual(['step:order-7/run-a#23 -> step:order-7-shipping/run-b#5']);
      expect(edgesOf(graph, 'child-run')).toEqual(['run:order-7/run-a -> run:order-7-shipping/run-b']);
    });

    it('keep a parent run missing from the audit as unresolved', () => {
      const g = buildLineageGraph(oneRun([], { workflowId: 'elsewhere', runId: 'r0' }));
      expect(edgesOf(g, 'child-run')).toEqual([]);
      expect(g.unresolved).toEqual([{ kind: 'child-run', from: 'run:w/r', target: 'elsewhere/r0' }]);
    });
  });

  describe('a denied step', () => {
    it('is a dead end: marked, and no chain link leaves or enters it', () => {
      const denied = 'step:order-7/run-a#17';
      expect(node(graph, denied)).toMatchObject({ kind: 'step', deadEnd: true });
      expect(graph.edges.filter((e) => e.kind !== 'contains' && (e.from === denied || e.to === denied))).toEqual([]);
      expect(graph.nodes.filter((n) => n.kind === 'step' && n.deadEnd)).toHaveLength(1);
    });
  });

  describe('when a bundle holds the same run twice', () => {
    it('gives every node its own id, so the picture cannot hide the copy', () => {
      const verdict = twoRunVerdict();
      const g = buildLineageGraph({ ...verdict, runs: [verdict.runs[0]!, verdict.runs[0]!] });
      const ids = g.nodes.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain('run:order-7/run-a~2');
      expect(ids).toContain('step:order-7/run-a#23~2');
    });
  });

  describe('findings', () => {
    it('attach to the step whose authorize or action event they name', () => {
      expect(node(graph, 'step:order-7/run-a#41')?.findings.map((f) => f.code)).toEqual(['ARTIFACT_BINDING_MISMATCH']);
      expect(node(graph, 'step:order-7-shipping/run-b#15')?.findings.map((f) => f.code)).toEqual(['RECEIPT_MISSING']);
    });

    it('attach to the run when they name no event of a step', () => {
      expect(node(graph, 'run:order-7-shipping/run-b')?.findings.map((f) => f.code)).toEqual(['LINEAGE_BROKEN']);
      expect(node(graph, 'run:order-7/run-a')?.findings).toEqual([]);
    });
  });
});
