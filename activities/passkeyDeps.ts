import type { PasskeyApprovalDeps } from '../core/passkeys/verifyPasskeyApproval';
import type { GovernanceDeps } from './governanceDeps';

/** What verifying passkey approvals takes from a worker's dependencies: the governance store's bindings, the trust, the clock. */
export function passkeyDeps(deps: GovernanceDeps): PasskeyApprovalDeps {
  return { passkeys: deps.governance, trust: deps.passkeyTrust, clock: deps.clock };
}
