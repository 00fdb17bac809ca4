import type { AuditVerdict, AuditedStep, Finding, RunVerdict } from '../../../../core/audit/types';

// Hand-built verdicts for the report tests: the report must render whatever the checker
// establishes, so these cover every shape a step, a run and a finding can take.

export const digest = (name: string): string => `sha256:${name.padEnd(64, '0')}`;

export function step(overrides: Partial<AuditedStep> & Pick<AuditedStep, 'stepId' | 'authorizeEventId'>): AuditedStep {
  return {
    action: 'transferFunds',
    activityId: `${overrides.stepId}.1`,
    decision: 'permit',
    denialCode: null,
    principal: 'alice',
    policySetId: 'writ-examples',
    policyVersion: '2026-11-26.1',
    artifactId: null,
    artifactDigest: null,
    approvers: [],
    outcome: 'completed',
    lineage: null,
    actionEventId: null,
    ...overrides,
  };
}

export function finding(run: Pick<RunVerdict, 'workflowId' | 'runId'>, code: Finding['code'], eventId: number | null, expected: string, found: string): Finding {
  return { code, workflowId: run.workflowId, runId: run.runId, eventId, expected, found, message: `${code} at event ${eventId ?? '-'}` };
}

const PARENT = { workflowId: 'order-7', runId: 'run-a' } as const;
const CHILD = { workflowId: 'order-7-shipping', runId: 'run-b' } as const;

/**
 * Two runs, the second a child of the first. The parent run: a permitted step, a denied
 * one (a dead end), an approved one that continues the chain past the denial, and one the
 * enforcement point refused. The child: its first artifact names the approved parent step
 * as parent; its second failed without a receipt. Findings on an action event, on an
 * action event in the child, and on the child run as a whole.
 */
export function twoRunVerdict(): AuditVerdict {
  const parentRun: RunVerdict = {
    ...PARENT,
    workflowType: 'fulfilOrder',
    parent: null,
    replay: 'passed',
    steps: [
      step({ stepId: 'transfer-1', authorizeEventId: 5, actionEventId: 11, artifactId: 'art-a1', artifactDigest: digest('a1'), lineage: { sequence: 1, previous: null, parent: null } }),
      step({ stepId: 'transfer-2', authorizeEventId: 17, decision: 'deny', denialCode: 'POLICY_DENIED', outcome: 'not-scheduled' }),
      step({
        stepId: 'refund-3', action: 'agentIssueRefund', principal: 'support-agent', authorizeEventId: 23, actionEventId: 31, approvers: ['bob', 'carol'],
        artifactId: 'art-a3', artifactDigest: digest('a3'), lineage: { sequence: 2, previous: digest('a1'), parent: null },
      }),
      step({
        stepId: 'email-4', action: 'agentSendEmail', principal: 'support-agent', authorizeEventId: 41, actionEventId: 45, outcome: 'refused',
        artifactId: 'art-a4', artifactDigest: digest('a4'), lineage: { sequence: 3, previous: digest('a3'), parent: null },
      }),
    ],
    findings: [finding(PARENT, 'ARTIFACT_BINDING_MISMATCH', 45, `argsDigest ${digest('e1')}`, `argsDigest ${digest('f1')}`)],
  };
  const childRun: RunVerdict = {
    ...CHILD,
    workflowType: 'shipOrder',
    parent: PARENT,
    replay: 'passed',
    steps: [
      step({ stepId: 'ship-1', action: 'applyInfraChange', principal: 'ops-bot', authorizeEventId: 5, actionEventId: 9, artifactId: 'art-b1', artifactDigest: digest('b1'), lineage: { sequence: 1, previous: null, parent: digest('a3') } }),
      step({ stepId: 'ship-2', action: 'applyInfraChange', principal: 'ops-bot', authorizeEventId: 15, actionEventId: 19, outcome: 'failed', artifactId: 'art-b2', artifactDigest: digest('b2'), lineage: { sequence: 2, previous: digest('b1'), parent: null } }),
    ],
    findings: [
      finding(CHILD, 'RECEIPT_MISSING', 19, 'a receipt in the failure details', 'none'),
      finding(CHILD, 'LINEAGE_BROKEN', null, 'the run ends on the last artifact', 'an unchained completion'),
    ],
  };
  return { passed: false, runs: [parentRun, childRun], artifactsVerified: 5, findings: 3 };
}

/** One run, one permitted, executed step, nothing found. */
export function passingVerdict(): AuditVerdict {
  const run = { workflowId: 'transfer-1', runId: 'run-ok' };
  return {
    passed: true,
    artifactsVerified: 1,
    findings: 0,
    runs: [{
      ...run, workflowType: 'transferFunds', parent: null, replay: 'passed', findings: [],
      steps: [step({ stepId: 'transferFunds-1', authorizeEventId: 5, actionEventId: 11, artifactId: 'art-ok', artifactDigest: digest('ok'), lineage: { sequence: 1, previous: null, parent: null } })],
    }],
  };
}

/** Strings an attacker who controls a history could plant in it. */
export const HOSTILE = {
  principal: '<script>alert(1)</script>',
  workflowId: '"><img src=x onerror=alert(2)>',
  action: '</text><script>alert(3)</script>',
  approver: "' onmouseover='alert(4)",
  expected: '<svg onload=alert(5)>',
  message: 'bell\u0007 and a lone \ud800 surrogate </title><script>alert(6)</script>',
} as const;

/** A verdict whose every attacker-controlled string is hostile. */
export function hostileVerdict(): AuditVerdict {
  const run = { workflowId: HOSTILE.workflowId, runId: 'run-x' };
  return {
    passed: false,
    artifactsVerified: 1,
    findings: 1,
    runs: [{
      ...run, workflowType: HOSTILE.action, parent: null, replay: 'passed',
      steps: [step({ stepId: HOSTILE.action, action: HOSTILE.action, principal: HOSTILE.principal, approvers: [HOSTILE.approver], authorizeEventId: 5, actionEventId: 9, artifactId: HOSTILE.principal, artifactDigest: digest('x1'), lineage: { sequence: 1, previous: null, parent: null } })],
      findings: [{ ...finding(run, 'ARTIFACT_INVALID', 9, HOSTILE.expected, HOSTILE.principal), message: HOSTILE.message }],
    }],
  };
}
