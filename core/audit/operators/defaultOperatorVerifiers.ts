import { APPROVE_UPDATE, KILL_SWITCH_UPDATE, REVOKE_UPDATE } from '../../protocol/operatorContract';
import type { OperatorEventVerifier } from '../checks/checkOperatorEvents';
import type { PolicySetEvidence } from '../evidence/policySetEvidence';
import { approvalVerifier } from './approvalVerifier';
import { EvidencePolicies } from './evidencePolicies';
import type { IdentityTrust } from './identityTrust';
import { killSwitchVerifier } from './killSwitchVerifier';
import { mcpSessionVerifier } from './mcpSessionVerifier';
import { MCP_CALL_UPDATE, MCP_CANCEL_SIGNAL, MCP_END_SIGNAL } from '../../protocol/mcpContract';
import { revocationVerifier } from './revocationVerifier';

/**
 * The operator event verifiers every audit runs unless the caller replaces one: approvals
 * (`writ.approve`), revocations (`writ.revoke`) and the kill switch (`writ.killSwitch`),
 * each verified with the identity provider's keys and re-decided under the evidence's
 * policy sets. With no identity keys they fail closed: every such event is a finding.
 * An MCP session's tool calls (`writ.mcp.call`, `writ.mcp.cancel`, `writ.mcp.end`) carry no statement; their
 * governed steps are verified with the rest of the run.
 */
export function defaultOperatorVerifiers(identity: IdentityTrust | null, policySets: ReadonlyMap<string, PolicySetEvidence>): Record<string, OperatorEventVerifier> {
  const policies = new EvidencePolicies(policySets);
  return {
    [APPROVE_UPDATE]: approvalVerifier(identity, policies),
    [REVOKE_UPDATE]: revocationVerifier(identity, policies),
    [KILL_SWITCH_UPDATE]: killSwitchVerifier(identity, policies),
    [MCP_CALL_UPDATE]: mcpSessionVerifier(),
    [MCP_CANCEL_SIGNAL]: mcpSessionVerifier(),
    [MCP_END_SIGNAL]: mcpSessionVerifier(),
  };
}
