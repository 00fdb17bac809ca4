import type { OperatorEventCheck } from '../checks/checkOperatorEvents';
import type { OperatorEventRecord } from '../history/runRecord';

/**
 * Fails closed when the identity provider's keys are missing (a bundle written before they
 * were part of it, or an auditor who gave none): every operator event is
 * OPERATOR_EVENT_UNVERIFIED, because a statement nobody can check must not pass unread.
 */
export function reportUnverifiable(events: readonly OperatorEventRecord[], check: OperatorEventCheck): void {
  for (const event of events) {
    check.report('OPERATOR_EVENT_UNVERIFIED', event.at.eventId, `operator ${event.kind} ${event.name} verified with the identity provider's keys`, 'no identity provider keys in the evidence', `operator ${event.kind} ${event.name} cannot be verified without the keys that signed it`);
  }
}
