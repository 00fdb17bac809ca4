import { policiesByAction } from '../../../core/policy/actionSlices';
import { PolicyEngine, type PolicyRequest } from '../../../core/policy/policyEngine';
import { loadPolicySet, type NamedPolicy } from '../../../core/policy/policySet';
import { readWritSchema } from '../../../core/policy/writSchema';
import { EXAMPLE_POLICIES_DIR } from './policyTestKit';

const exampleSet = loadPolicySet(EXAMPLE_POLICIES_DIR);

function policy(id: string, text: string): NamedPolicy {
  return { id, file: 'test.cedar', text };
}

function idsOf(slice: readonly NamedPolicy[] | undefined): string[] {
  return (slice ?? []).map((p) => p.id).sort();
}

describe('policiesByAction', () => {
  describe('when the example set is sliced', () => {
    const slices = policiesByAction(readWritSchema(exampleSet.schemaText), exampleSet.policies)!;

    it('has a slice for every action the schema declares', () => {
      expect([...slices.keys()].sort()).toEqual(
        ['agentIssueRefund', 'agentSearchDocs', 'agentSendEmail', 'agentWriteNote', 'applyInfraChange', 'approveAction', 'operateKillSwitch', 'revokeWorkflow', 'transferFunds', 'viewKillSwitch', 'viewPending', 'viewWorkflow'].sort(),
      );
    });

    it('keeps for an action exactly the policies whose scope can name it', () => {
      expect(idsOf(slices.get('transferFunds'))).toEqual(['transfers-forbid-frozen', 'transfers-forbid-over-limit', 'transfers-permit-treasury', 'transfers-require-two-approvals']);
      expect(idsOf(slices.get('revokeWorkflow'))).toEqual(['operators-revoke']);
      // Each example policy lands in at least one slice: none is lost by slicing.
      const kept = new Set([...slices.values()].flatMap((slice) => slice.map((p) => p.id)));
      expect([...kept].sort()).toEqual(exampleSet.policies.map((p) => p.id).sort());
    });
  });

  describe('when policies name action groups, other namespaces or no action', () => {
    const schema = `namespace Writ {
      entity User;
      entity Thing;
      action "family";
      action "child" in ["family"] appliesTo { principal: [User], resource: [Thing] };
      action "grandchild" in [Action::"child"] appliesTo { principal: [User], resource: [Thing] };
      action "loner" appliesTo { principal: [User], resource: [Thing] };
    }`;
    const policies = [
      policy('any', 'permit (principal, action, resource);'),
      policy('family', 'permit (principal, action in Writ::Action::"family", resource);'),
      policy('loner-only', 'permit (principal, action == Writ::Action::"loner", resource);'),
      policy('list', 'forbid (principal, action in [Writ::Action::"loner", Writ::Action::"child"], resource);'),
      policy('unqualified', 'permit (principal, action == Action::"loner", resource);'),
    ];
    const slices = policiesByAction(readWritSchema(schema), policies)!;

    it('keeps a policy on a group for every action inside it, however deep', () => {
      expect(idsOf(slices.get('child'))).toEqual(['any', 'family', 'list', 'unqualified']);
      expect(idsOf(slices.get('grandchild'))).toEqual(['any', 'family', 'list', 'unqualified']);
    });

    it('leaves out a policy only where its scope provably names other Writ actions', () => {
      expect(idsOf(slices.get('loner'))).toEqual(['any', 'list', 'loner-only', 'unqualified']);
    });
  });

  it('gives up (the whole set everywhere) when an action is a member of another namespace\'s action', () => {
    const schema = `namespace Other { action "outside"; }
      namespace Writ { entity User; action "inside" in [Other::Action::"outside"] appliesTo { principal: [User], resource: [User] }; }`;
    expect(policiesByAction(readWritSchema(schema), [policy('any', 'permit (principal, action, resource);')])).toBeUndefined();
  });
});

describe('PolicyEngine sliced by action', () => {
  const sliced = new PolicyEngine(exampleSet);
  const whole = new PolicyEngine(exampleSet, { sliceByAction: false });

  // Every example action, with principals in and out of each group, approvals from none to
  // plenty, and contexts that permit, forbid and make a policy error (a missing or
  // mistyped attribute is refused by request validation or errors in evaluation).
  function requests(): PolicyRequest[] {
    const groupSets = [[], ['treasury'], ['ops'], ['agents'], ['treasury-approvers', 'change-managers', 'support-leads'], ['security', 'ops', 'treasury']];
    const all: PolicyRequest[] = [];
    for (const groups of groupSets) {
      for (const approvalCount of [0, 1, 2, 5]) {
        const principal = { id: 'pat', groups };
        for (const amountCents of [1, 999_999, 5_000_000]) {
          for (const frozen of [false, true]) {
            all.push({
              principal,
              action: 'transferFunds',
              resource: { uid: { type: 'Writ::Account', id: 'acct' }, attrs: { owner: 'pat', frozen }, parents: [] },
              context: { approvalCount, amountCents, toAccount: 'acct-2', toFrozen: !frozen },
            });
          }
          all.push({ principal, action: 'agentIssueRefund', resource: { uid: { type: 'Writ::AgentTool', id: 'refund' }, attrs: { category: 'payments' }, parents: [] }, context: { approvalCount, amountCents } });
        }
        for (const environment of ['staging', 'production']) {
          for (const inChangeWindow of [false, true]) {
            all.push({ principal, action: 'applyInfraChange', resource: { uid: { type: 'Writ::Service', id: 'api' }, attrs: { environment }, parents: [] }, context: { approvalCount, inChangeWindow } });
          }
        }
        for (const recipientDomain of ['example.test', 'elsewhere.test']) {
          all.push({ principal, action: 'agentSendEmail', resource: { uid: { type: 'Writ::AgentTool', id: 'mail' }, attrs: { category: 'comms' }, parents: [] }, context: { approvalCount, recipientDomain } });
        }
        for (const action of ['agentSearchDocs', 'agentWriteNote']) {
          all.push({ principal, action, resource: { uid: { type: 'Writ::AgentTool', id: action }, attrs: { category: 'tools' }, parents: [] }, context: { approvalCount } });
        }
        all.push({ principal, action: 'approveAction', resource: { uid: { type: 'Writ::ApprovalRequest', id: 'r' }, attrs: { action: 'transferFunds', initiator: 'someone' }, parents: [] }, context: {} });
        all.push({ principal, action: 'revokeWorkflow', resource: { uid: { type: 'Writ::Workflow', id: 'w' }, attrs: { workflowType: 'transferWorkflow' }, parents: [] }, context: {} });
        all.push({ principal, action: 'operateKillSwitch', resource: { uid: { type: 'Writ::Namespace', id: 'writ' }, attrs: {}, parents: [] }, context: {} });
      }
    }
    return all;
  }

  function outcome(engine: PolicyEngine, request: PolicyRequest): unknown {
    try {
      const decision = engine.decide(request);
      return { allowed: decision.allowed, determiningPolicies: [...decision.determiningPolicies].sort(), errors: decision.errors.map((e) => e.policyId).sort() };
    } catch (error) {
      return { threw: (error as { code?: string }).code };
    }
  }

  it('decides every request exactly as the whole set does (decision, determining policies, errors)', () => {
    const cases = requests();
    const outcomes = cases.map((request) => [outcome(sliced, request), outcome(whole, request)]);
    for (const [index, [fromSlice, fromWhole]] of outcomes.entries()) {
      expect({ request: cases[index], outcome: fromSlice }).toEqual({ request: cases[index], outcome: fromWhole });
    }
    // The matrix reaches permits, denials by a forbid and denials for want of a permit.
    const kinds = new Set(
      outcomes.map(([fromSlice]) => {
        const decided = fromSlice as { allowed?: boolean; determiningPolicies?: string[] };
        return decided.allowed === true ? 'permit' : (decided.determiningPolicies ?? []).length > 0 ? 'forbid' : 'no-permit';
      }),
    );
    expect([...kinds].sort()).toEqual(['forbid', 'no-permit', 'permit']);
  });

  it('denies an action no policy names, as the whole set does, from an empty slice', () => {
    const schemaText = `namespace Writ {
      entity Group;
      entity User in [Group];
      entity Thing;
      action "covered" appliesTo { principal: [User], resource: [Thing] };
      action "uncovered" appliesTo { principal: [User], resource: [Thing] };
    }`;
    const set = { id: 'slices', version: '1', digest: 'sha256:slices-test-empty', schemaText, policies: [policy('covered-only', 'permit (principal, action == Writ::Action::"covered", resource);')] };
    expect(idsOf(policiesByAction(readWritSchema(schemaText), set.policies)!.get('uncovered'))).toEqual([]);
    const request = (action: string): PolicyRequest => ({ principal: { id: 'pat', groups: ['g'] }, action, resource: { uid: { type: 'Writ::Thing', id: 't' }, attrs: {}, parents: [] }, context: {} });
    const slicedEngine = new PolicyEngine(set);
    const wholeEngine = new PolicyEngine(set, { sliceByAction: false });
    expect(outcome(slicedEngine, request('uncovered'))).toEqual({ allowed: false, determiningPolicies: [], errors: [] });
    expect(outcome(slicedEngine, request('uncovered'))).toEqual(outcome(wholeEngine, request('uncovered')));
    expect(outcome(slicedEngine, request('covered'))).toEqual({ allowed: true, determiningPolicies: ['covered-only'], errors: [] });
  });

  it('refuses a request for an action the schema does not declare as before (whole set, request validation)', () => {
    const request: PolicyRequest = { principal: { id: 'pat', groups: [] }, action: 'launchMissiles', resource: { uid: { type: 'Writ::Account', id: 'a' }, attrs: { owner: 'pat', frozen: false }, parents: [] }, context: {} };
    expect(outcome(sliced, request)).toEqual(outcome(whole, request));
    expect(outcome(sliced, request)).toEqual({ threw: 'POLICY_EVALUATION_ERROR' });
  });
});
