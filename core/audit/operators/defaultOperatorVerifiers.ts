import { APPROVE_UPDATE, KILL_SWITCH_UPDATE, REVOKE_UPDATE } from '../../protocol/operatorContract';
import type { OperatorEventVerifier } from '../checks/checkOperatorEvents';
import type { PolicySetEvidence } from '../evidence/policySetEvidence';
import { approvalVerifier } from './approvalVerifier';
import { EvidencePolicies } from './evidencePolicies';
import type { IdentityTrust } from './identityTrust';
import { killSwitchVerifier } from './killSwitchVerifier';
import { revocationVerifier } from './revocationVerifier';

/**
 * The operator event verifiers every audit runs unless the caller replaces one: approvals
 * (`writ.approve`), revocations (`writ.revoke`) and the kill switch (`writ.killSwitch`),
 * each verified with the identity provider's keys and re-decided under the evidence's
 * policy sets. With no identity keys they fail closed: every such event is a finding.
 */
export function defaultOperatorVerifiers(identity: IdentityTrust | null, policySets: ReadonlyMap<string, PolicySetEvidence>): Record<string, OperatorEventVerifier> {
  const policies = new EvidencePolicies(policySets);
  return {
    [APPROVE_UPDATE]: approvalVerifier(identity, policies),
    [REVOKE_UPDATE]: revocationVerifier(identity, policies),
    [KILL_SWITCH_UPDATE]: killSwitchVerifier(identity, policies),
  };
}
