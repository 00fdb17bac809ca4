import { FINDING_CODES } from '../../../../core/audit/types';
import { renderReportJson, reportJson } from '../../../../core/audit/report/renderReportJson';
import { digest, passingVerdict, twoRunVerdict } from './verdictFixture';

const META = { generatedAt: '2030-01-01T00:00:00.000Z', source: 'bundle.json' };

describe('reportJson', () => {
  describe('for two runs, one the child of the other', () => {
    const report = reportJson(twoRunVerdict(), META);

    it('counts runs, steps, decisions, outcomes and approvals', () => {
      const { findingsByCode, ...counts } = report.summary;
      expect(counts).toEqual({ runs: 2, steps: 6, permitted: 5, denied: 1, pending: 0, executed: 4, refused: 1, approved: 1, findings: 3 });
      expect(findingsByCode).toMatchObject({ ARTIFACT_BINDING_MISMATCH: 1, RECEIPT_MISSING: 1, LINEAGE_BROKEN: 1, ACTION_WITHOUT_AUTHORIZATION: 0 });
    });

    it('lists every finding code, in the fixed order, so the shape never depends on the input', () => {
      expect(Object.keys(report.summary.findingsByCode)).toEqual([...FINDING_CODES]);
    });

    it('says the audit failed and stamps where and when it was made', () => {
      expect(report).toMatchObject({ format: 'writ-audit-report', formatVersion: 1, passed: false, artifactsVerified: 5, ...META });
      expect(Object.keys(report)).toEqual(['format', 'formatVersion', 'generatedAt', 'source', 'passed', 'artifactsVerified', 'summary', 'runs', 'lineage']);
    });

    it('keeps each run with its parent, counts, steps and findings', () => {
      const [parent, child] = report.runs;
      expect(parent).toMatchObject({ workflowId: 'order-7', runId: 'run-a', parent: null, passed: false, counts: { steps: 4, denied: 1, refused: 1 } });
      expect(child).toMatchObject({ workflowId: 'order-7-shipping', parent: { workflowId: 'order-7', runId: 'run-a' }, passed: false });
      expect(child?.findings.map((f) => [f.code, f.eventId])).toEqual([['RECEIPT_MISSING', 19], ['LINEAGE_BROKEN', null]]);
    });

    it('records every governed step field by name', () => {
      expect(report.runs[0]?.steps[2]).toEqual({
        stepId: 'refund-3', action: 'agentIssueRefund', activityId: 'refund-3.1', decision: 'permit', denialCode: null,
        principal: 'support-agent', policySetId: 'writ-examples', policyVersion: '2026-11-26.1', approvers: ['bob', 'carol'],
        outcome: 'completed', artifactId: 'art-a3', artifactDigest: digest('a3'),
        lineage: { sequence: 2, previous: digest('a1'), parent: null }, authorizeEventId: 23, actionEventId: 31,
      });
      expect(report.runs[0]?.steps[1]).toMatchObject({ decision: 'deny', denialCode: 'POLICY_DENIED', artifactId: null, outcome: 'not-scheduled' });
    });

    it('includes the lineage edges: chain, parent, child run and approval', () => {
      const edges = report.lineage.edges.filter((e) => e.kind !== 'contains').map((e) => `${e.kind} ${e.from} -> ${e.to}`);
      expect(edges).toEqual([
        'approval approval:order-7/run-a#23 -> step:order-7/run-a#23',
        'previous step:order-7/run-a#5 -> step:order-7/run-a#23',
        'previous step:order-7/run-a#23 -> step:order-7/run-a#41',
        'child-run run:order-7/run-a -> run:order-7-shipping/run-b',
        'parent step:order-7/run-a#23 -> step:order-7-shipping/run-b#5',
        'previous step:order-7-shipping/run-b#5 -> step:order-7-shipping/run-b#15',
      ]);
      expect(report.lineage.nodes.find((n) => n.id === 'step:order-7/run-a#17')).toEqual({ id: 'step:order-7/run-a#17', kind: 'step', deadEnd: true, findings: 0 });
      expect(report.lineage.unresolved).toEqual([]);
    });
  });

  describe('when the verdict says passed but lists a finding', () => {
    it('reports failed (fail closed)', () => {
      const verdict = { ...twoRunVerdict(), passed: true, findings: 0 };
      expect(reportJson(verdict, META).passed).toBe(false);
    });
  });

  describe('when nothing was found', () => {
    it('reports passed with zero findings', () => {
      const report = reportJson(passingVerdict(), META);
      expect(report.passed).toBe(true);
      expect(report.summary).toMatchObject({ runs: 1, steps: 1, executed: 1, findings: 0 });
    });
  });

  describe('renderReportJson', () => {
    it('is byte-for-byte stable for the same verdict and meta, and ends with a newline', () => {
      const first = renderReportJson(twoRunVerdict(), META);
      expect(renderReportJson(twoRunVerdict(), META)).toBe(first);
      expect(first.endsWith('}\n')).toBe(true);
      expect(JSON.parse(first)).toEqual(reportJson(twoRunVerdict(), META));
    });

    it('copies fields by name, so extra properties on the verdict do not leak into the report', () => {
      const verdict = twoRunVerdict();
      const run = verdict.runs[0]!;
      const widened = { ...verdict, secret: 'x', runs: [{ ...run, secret: 'x', steps: run.steps.map((s) => ({ ...s, secret: 'x' })) }] };
      expect(renderReportJson(widened, META)).not.toContain('secret');
    });
  });
});
