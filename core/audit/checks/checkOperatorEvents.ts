import type { OperatorEventRecord, RunRecord } from '../history/runRecord';
import type { AuditRun, AuditSettings } from './runContext';
import type { FindingCode } from '../types';
import type { GovernedStep } from './pairGovernedSteps';
import { report, type RunContext } from './runContext';

/** Operator events are signals and updates with names in Writ's namespace. */
export const OPERATOR_EVENT_PREFIX = 'writ.';

/** What a verifier of one kind of operator event sees, and how it reports. */
export interface OperatorEventCheck {
  readonly run: AuditRun;
  /** The namespace the run ran in. */
  readonly namespace: string;
  readonly record: RunRecord;
  readonly steps: readonly GovernedStep[];
  /** The windows the workers were held to (a statement's freshness among them). */
  readonly settings: AuditSettings;
  report(code: FindingCode, eventId: number | null, expected: string, found: string, message: string): void;
  /** Says what could not be checked and why (never a finding). */
  note(text: string): void;
}

/**
 * Verifies one kind of operator event (an approval, a revocation, the kill switch): that
 * its statement is signed by an operator key, bound to this run and request, and consistent
 * with the artifacts that cite it. Either a function called for each event of its name, or
 * an `OperatorRunVerifier` that judges all of a run's events of its name together. Until a
 * verifier is registered for a name, every event of that name is a finding.
 */
export type OperatorEventVerifier = ((event: OperatorEventRecord, check: OperatorEventCheck) => void | Promise<void>) | OperatorRunVerifier;

/**
 * A verifier that sees all of a run's events of its name at once, for what no single event
 * shows: each approver counted once, what the artifacts cite, nothing run after a
 * revocation. Called once for every run, also when the run has no such event (an artifact
 * may cite approvals the history does not hold).
 */
export interface OperatorRunVerifier {
  verifyRun(events: readonly OperatorEventRecord[], check: OperatorEventCheck): void | Promise<void>;
}

/**
 * Step: operator events. Every `writ.*` signal or update must be checked by a registered
 * verifier, and every artifact that cites approvals needs the approval verifier: an event
 * the auditor cannot verify fails the audit rather than passing unread.
 */
export async function checkOperatorEvents(context: RunContext, steps: readonly GovernedStep[], verifiers: Readonly<Record<string, OperatorEventVerifier | undefined>>): Promise<void> {
  const check: OperatorEventCheck = {
    run: context.run,
    namespace: context.namespace,
    record: context.record,
    steps,
    settings: context.settings,
    report: (code, eventId, expected, found, message) => report(context, code, eventId, expected, found, message),
    note: (text) => context.notes.push(text),
  };
  for (const event of context.record.operatorEvents) {
    if (!event.name.startsWith(OPERATOR_EVENT_PREFIX) || verifiers[event.name] !== undefined) continue;
    report(context, 'OPERATOR_EVENT_UNVERIFIED', event.at.eventId, `a verifier for operator ${event.kind} ${event.name}`, 'none registered', `operator ${event.kind} ${event.name} cannot be verified by this auditor`);
  }
  for (const [name, verify] of Object.entries(verifiers)) {
    if (verify === undefined) continue;
    const events = context.record.operatorEvents.filter((event) => event.name === name);
    if (typeof verify === 'function') {
      for (const event of events) await verify(event, check);
    } else {
      await verify.verifyRun(events, check);
    }
  }
  if (verifiers['writ.approve'] !== undefined) return;
  for (const step of steps) {
    const approvers = (step.claims?.writ as { approval?: { approvers?: readonly unknown[] } } | undefined)?.approval?.approvers ?? [];
    if (approvers.length > 0 && step.authorization.end.status === 'completed') {
      report(context, 'OPERATOR_EVENT_UNVERIFIED', step.authorization.end.at.eventId, 'each cited approval checked against its signed statement', `${approvers.length} approval(s) cited by artifact ${step.claims!.jti}; no approval verifier registered`, 'the approvals an artifact cites cannot be verified by this auditor');
    }
  }
}
