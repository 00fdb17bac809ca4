import { resolve } from 'node:path';
import { cedarConsoleAccess } from '../../console/access/consoleAccess';
import { WritError } from '../../core/errors/writError';
import { PolicyEngine } from '../../core/policy/policyEngine';
import { loadPolicySet } from '../../core/policy/policySet';
import { PolicySource } from '../../core/policy/policySource';

function codeOf(act: () => void): string | undefined {
  try {
    act();
    return undefined;
  } catch (error) {
    return error instanceof WritError ? error.code : `not a WritError: ${String(error)}`;
  }
}

describe.each(['policies', 'examples/policies', 'examples/support-desk/policies', 'examples/mcp-upstream/policies'])('the console policies of %s', (dir) => {
  const access = cedarConsoleAccess(PolicySource.load(resolve(__dirname, '../..', dir)), 'writ');

  it('let an operator see the pending approvals and workflows', () => {
    expect(codeOf(() => access.requireView({ principal: 'olivia', groups: ['operators'] }, 'viewPending'))).toBeUndefined();
    expect(codeOf(() => access.requireView({ principal: 'olivia', groups: ['operators'] }, 'viewWorkflow'))).toBeUndefined();
  });

  it('let an operator see the kill switch, and no one the policies do not let operate it', () => {
    expect(codeOf(() => access.requireView({ principal: 'olivia', groups: ['operators'] }, 'viewKillSwitch'))).toBeUndefined();
    expect(codeOf(() => access.requireView({ principal: 'mallory', groups: ['visitors'] }, 'viewKillSwitch'))).toBe('OPERATOR_NOT_AUTHORIZED');
  });

  describe('when the principal is in no group the policies name', () => {
    it('refuses with OPERATOR_NOT_AUTHORIZED', () => {
      expect(codeOf(() => access.requireView({ principal: 'mallory', groups: ['visitors'] }, 'viewPending'))).toBe('OPERATOR_NOT_AUTHORIZED');
      expect(codeOf(() => access.requireView({ principal: 'mallory', groups: [] }, 'viewWorkflow'))).toBe('OPERATOR_NOT_AUTHORIZED');
    });
  });
});

describe('the examples console policies', () => {
  const access = cedarConsoleAccess(PolicySource.load(resolve(__dirname, '../../examples/policies')), 'writ');
  it('let treasury approvers see the pending approvals they decide', () => {
    expect(codeOf(() => access.requireView({ principal: 'bob', groups: ['treasury-approvers'] }, 'viewPending'))).toBeUndefined();
  });
  it('show the kill switch only to operators, not to approvers who see the pending list', () => {
    expect(codeOf(() => access.requireView({ principal: 'bob', groups: ['treasury-approvers'] }, 'viewKillSwitch'))).toBe('OPERATOR_NOT_AUTHORIZED');
  });
});

describe('when the policy set declares no console actions', () => {
  it('refuses with OPERATOR_NOT_AUTHORIZED rather than showing the page', () => {
    const set = loadPolicySet(resolve(__dirname, '../../examples/policies'));
    const schemaText = set.schemaText.replace(/action "viewPending"[^}]*\};/, '');
    const engine = new PolicyEngine({ ...set, schemaText, policies: set.policies.filter((p) => !p.id.startsWith('console-')) });
    expect(codeOf(() => cedarConsoleAccess({ current: () => engine }, 'writ').requireView({ principal: 'olivia', groups: ['operators'] }, 'viewPending'))).toBe('OPERATOR_NOT_AUTHORIZED');
  });
});
