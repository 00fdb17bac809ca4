import type { PasskeyStatementDeps } from '../core/passkeys/verifyPasskeyStatement';
import type { GovernanceDeps } from './governanceDeps';

/** What verifying passkey statements takes from a worker's dependencies: the governance store's bindings, the trust, the clock. */
export function passkeyDeps(deps: GovernanceDeps): PasskeyStatementDeps {
  return { passkeys: deps.governance, trust: deps.passkeyTrust, clock: deps.clock };
}
