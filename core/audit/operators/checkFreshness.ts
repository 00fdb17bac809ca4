import { isWritError } from '../../errors/writError';
import { requireFreshAt } from '../../operators/statementFreshness';
import type { OperatorEventCheck } from '../checks/checkOperatorEvents';
import type { OperatorEventRecord } from '../history/runRecord';

/**
 * Step: the statement an accepted update carried was fresh when the update arrived (its
 * first use: the update's event time, which precedes the verifying activity by moments),
 * judged by the same rule as the workers' (requireFreshAt: at most
 * `statementMaxAgeSeconds` old, not issued beyond the clock tolerance after). Anything
 * else is STATEMENT_STALE. An approval presented again to a later authorization is not
 * judged here: its step used it when it arrived.
 */
export function checkFreshness(check: OperatorEventCheck, event: OperatorEventRecord, statement: { readonly issuedAt: number; readonly statementId: string }): void {
  if (event.at.time === null) return; // already reported by the statement's verification
  try {
    requireFreshAt(statement.issuedAt, event.at.time, { statementMaxAgeSeconds: check.settings.statementMaxAgeSeconds, clockSkewSeconds: check.settings.clockSkewSeconds });
  } catch (error) {
    if (!isWritError(error, 'STATEMENT_STALE')) throw error;
    check.report(
      'STATEMENT_STALE',
      event.at.eventId,
      `a statement issued within ${check.settings.statementMaxAgeSeconds} s before ${event.at.time.toISOString()}, when ${event.name} arrived`,
      `statement ${statement.statementId} issued at ${statement.issuedAt > 0 ? new Date(statement.issuedAt * 1000).toISOString() : 'no time'}`,
      `the run accepted ${event.name} with a statement that was not fresh: ${error.message}`,
    );
  }
}
