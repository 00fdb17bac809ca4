import type { PasskeyStatementDeps } from '../core/passkeys/verifyPasskeyStatement';
import { DEFAULT_OPERATOR_STATEMENT_KINDS, type OperatorStatementKind } from '../core/operators/operatorStatementKinds';
import type { GovernanceDeps } from './governanceDeps';

/** What verifying passkey statements takes from a worker's dependencies: the governance store's bindings, the trust, the clock. */
export function passkeyDeps(deps: GovernanceDeps): PasskeyStatementDeps {
  return { passkeys: deps.governance, trust: deps.passkeyTrust, clock: deps.clock };
}

/** The kinds of operator statement the worker accepts (`operatorStatements`, default both). */
export function acceptedStatements(deps: GovernanceDeps): readonly OperatorStatementKind[] {
  return deps.operatorStatements ?? DEFAULT_OPERATOR_STATEMENT_KINDS;
}
