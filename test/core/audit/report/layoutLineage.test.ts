import { buildLineageGraph } from '../../../../core/audit/report/lineageGraph';
import { layoutLineage } from '../../../../core/audit/report/layoutLineage';
import type { AuditVerdict, RunVerdict } from '../../../../core/audit/types';
import { digest, step, twoRunVerdict } from './verdictFixture';

describe('layoutLineage', () => {
  const layout = layoutLineage(buildLineageGraph(twoRunVerdict()));
  const box = (id: string) => {
    const b = layout.boxes.get(id);
    if (b === undefined) throw new Error(`no box for ${id}`);
    return b;
  };

  it('puts each run in its own column and the child right of its parent', () => {
    expect(layout.columns.map((c) => c.runNode)).toEqual(['run:order-7/run-a', 'run:order-7-shipping/run-b']);
    expect(box('run:order-7-shipping/run-b').x).toBeGreaterThan(box('run:order-7/run-a').x + box('run:order-7/run-a').w);
  });

  it('stacks steps top to bottom in the order of the verdict', () => {
    const ys = ['#5', '#17', '#23', '#41'].map((e) => box(`step:order-7/run-a${e}`).y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(layout.below.get('step:order-7/run-a#17')).toBe('step:order-7/run-a#23');
  });

  it("starts the child's column level with the parent step its artifact names", () => {
    expect(box('run:order-7-shipping/run-b').y).toBe(box('step:order-7/run-a#23').y);
  });

  it('places the approval under the step it approved, inside the picture', () => {
    const approval = box('approval:order-7/run-a#23');
    const approved = box('step:order-7/run-a#23');
    expect(approval.y).toBeGreaterThan(approved.y + approved.h);
    expect(approval.y + approval.h).toBeLessThan(box('step:order-7/run-a#41').y);
    for (const b of layout.boxes.values()) {
      expect(b.x + b.w).toBeLessThanOrEqual(layout.width);
      expect(b.y + b.h).toBeLessThanOrEqual(layout.height);
    }
  });

  describe('when runs name each other as parent (a forged history)', () => {
    it('places every run exactly once', () => {
      const run = (id: string, parent: string, mine: string, theirs: string): RunVerdict => ({
        workflowId: id, runId: 'r', workflowType: 't', parent: { workflowId: parent, runId: 'r' }, replay: 'passed', findings: [],
        steps: [step({ stepId: 's', authorizeEventId: 5, artifactDigest: digest(mine), lineage: { sequence: 1, previous: null, parent: digest(theirs) } })],
      });
      const verdict: AuditVerdict = { passed: false, artifactsVerified: 2, findings: 0, runs: [run('a', 'b', 'a', 'b'), run('b', 'a', 'b', 'a')] };
      expect(layoutLineage(buildLineageGraph(verdict)).columns.map((c) => c.runNode)).toEqual(['run:a/r', 'run:b/r']);
    });
  });
});
