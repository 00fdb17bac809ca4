import fs from 'node:fs';
import path from 'node:path';
import { PolicyEngine, type PolicyRequest } from '../../../core/policy/policyEngine';
import { loadPolicySet } from '../../../core/policy/policySet';
import { EXAMPLE_POLICIES_DIR, PolicyCopies, appendFile, editFile, writErrorOf } from './policyTestKit';

const copies = new PolicyCopies();
afterAll(() => copies.dispose());

let engine: PolicyEngine;
beforeAll(() => {
  engine = new PolicyEngine(loadPolicySet(EXAMPLE_POLICIES_DIR));
});

type Context = PolicyRequest['context'];

// These cases are about the other rules: enough approvals are presented that the
// approval rules (see 'when approvals are required' below) never apply.
const APPROVED = 10;

function transfer(options: { groups?: string[]; amountCents?: number; frozen?: boolean; toFrozen?: boolean; context?: Context } = {}): PolicyRequest {
  return {
    principal: { id: 'alice', groups: options.groups ?? ['treasury'] },
    action: 'transferFunds',
    resource: { uid: { type: 'Writ::Account', id: 'acct-alice' }, attrs: { owner: 'alice', frozen: options.frozen ?? false }, parents: [] },
    context: options.context ?? { approvalCount: APPROVED, amountCents: options.amountCents ?? 777, toAccount: 'acct-bob', toFrozen: options.toFrozen ?? false },
  };
}

function infraChange(options: { groups?: string[]; environment: string; inChangeWindow: boolean }): PolicyRequest {
  return {
    principal: { id: 'oscar', groups: options.groups ?? ['ops'] },
    action: 'applyInfraChange',
    resource: { uid: { type: 'Writ::Service', id: 'payments-api' }, attrs: { environment: options.environment }, parents: [] },
    context: { approvalCount: APPROVED, inChangeWindow: options.inChangeWindow },
  };
}

function agentCall(action: string, context: Context, groups = ['agents']): PolicyRequest {
  return {
    principal: { id: 'agent-7', groups },
    action,
    resource: { uid: { type: 'Writ::AgentTool', id: action }, attrs: { category: 'tools' }, parents: [] },
    context: { approvalCount: APPROVED, ...context },
  };
}

/** The parts of a decision the tests compare, with determining policies in a stable order. */
function verdict(request: PolicyRequest, on: PolicyEngine = engine): { allowed: boolean; determiningPolicies: string[]; errors: string[] } {
  const decision = on.decide(request);
  return {
    allowed: decision.allowed,
    determiningPolicies: [...decision.determiningPolicies].sort(),
    errors: decision.errors.map((error) => error.policyId),
  };
}

const permit = (...ids: string[]) => ({ allowed: true, determiningPolicies: ids.sort(), errors: [] });
const deny = (...ids: string[]) => ({ allowed: false, determiningPolicies: ids.sort(), errors: [] });

describe('PolicyEngine', () => {
  describe('when treasury transfers funds', () => {
    it('permits a transfer within the limit by transfers-permit-treasury', () => {
      expect(verdict(transfer())).toEqual(permit('transfers-permit-treasury'));
    });

    it('permits exactly the limit and forbids one cent more by transfers-forbid-over-limit', () => {
      expect(verdict(transfer({ amountCents: 1_000_000 }))).toEqual(permit('transfers-permit-treasury'));
      expect(verdict(transfer({ amountCents: 1_000_001 }))).toEqual(deny('transfers-forbid-over-limit'));
    });

    it('forbids a frozen source or destination by transfers-forbid-frozen', () => {
      expect(verdict(transfer({ frozen: true }))).toEqual(deny('transfers-forbid-frozen'));
      expect(verdict(transfer({ toFrozen: true }))).toEqual(deny('transfers-forbid-frozen'));
    });

    it('names every forbid that applies', () => {
      expect(verdict(transfer({ amountCents: 2_000_000, frozen: true }))).toEqual(deny('transfers-forbid-frozen', 'transfers-forbid-over-limit'));
    });
  });

  describe('when someone outside treasury transfers funds', () => {
    it('denies by default with no determining policy', () => {
      expect(verdict(transfer({ groups: ['ops'] }))).toEqual(deny());
      expect(verdict(transfer({ groups: [] }))).toEqual(deny());
    });
  });

  describe('when operations change infrastructure', () => {
    it('permits staging at any time by infra-permit-ops', () => {
      expect(verdict(infraChange({ environment: 'staging', inChangeWindow: false }))).toEqual(permit('infra-permit-ops'));
    });

    it('permits production inside a change window and forbids it outside by infra-forbid-production-outside-window', () => {
      expect(verdict(infraChange({ environment: 'production', inChangeWindow: true }))).toEqual(permit('infra-permit-ops'));
      expect(verdict(infraChange({ environment: 'production', inChangeWindow: false }))).toEqual(deny('infra-forbid-production-outside-window'));
    });

    it('denies someone outside ops by default', () => {
      expect(verdict(infraChange({ groups: ['treasury'], environment: 'staging', inChangeWindow: true }))).toEqual(deny());
    });
  });

  describe('when an agent uses its tools', () => {
    it('permits searching docs and writing notes by agent-permit-tools', () => {
      expect(verdict(agentCall('agentSearchDocs', {}))).toEqual(permit('agent-permit-tools'));
      expect(verdict(agentCall('agentWriteNote', {}))).toEqual(permit('agent-permit-tools'));
    });

    it('permits mail to example.com and forbids any other domain by agent-forbid-external-email', () => {
      expect(verdict(agentCall('agentSendEmail', { recipientDomain: 'example.com' }))).toEqual(permit('agent-permit-tools'));
      expect(verdict(agentCall('agentSendEmail', { recipientDomain: 'example.com.evil.test' }))).toEqual(deny('agent-forbid-external-email'));
    });

    it('permits a refund of 50.00 and forbids 50.01 by agent-forbid-large-refund', () => {
      expect(verdict(agentCall('agentIssueRefund', { amountCents: 5000 }))).toEqual(permit('agent-permit-tools'));
      expect(verdict(agentCall('agentIssueRefund', { amountCents: 5001 }))).toEqual(deny('agent-forbid-large-refund'));
    });

    it('denies a principal outside the agents group by default', () => {
      expect(verdict(agentCall('agentSearchDocs', {}, ['treasury']))).toEqual(deny());
    });
  });

  describe('when the request does not match the schema', () => {
    it.each<[string, () => PolicyRequest]>([
      ['a context attribute of the wrong type', () => transfer({ context: { approvalCount: 0, amountCents: '777', toAccount: 'acct-bob', toFrozen: false } })],
      ['a missing context attribute', () => transfer({ context: { approvalCount: 0, amountCents: 777, toAccount: 'acct-bob' } })],
      ['an undeclared context attribute', () => transfer({ context: { approvalCount: 0, amountCents: 777, toAccount: 'acct-bob', toFrozen: false, memo: 'x' } })],
      ['a resource of a type the action does not apply to', () => ({ ...transfer(), resource: infraChange({ environment: 'staging', inChangeWindow: true }).resource })],
      ['an action the schema does not declare', () => ({ ...transfer(), action: 'mintMoney' })],
      ['a resource missing a declared attribute', () => ({ ...transfer(), resource: { uid: { type: 'Writ::Account', id: 'acct-alice' }, attrs: { owner: 'alice' }, parents: [] } })],
      ['a resource attribute of the wrong type', () => ({ ...transfer(), resource: { uid: { type: 'Writ::Account', id: 'acct-alice' }, attrs: { owner: 'alice', frozen: 'no' }, parents: [] } })],
    ])('refuses %s as POLICY_EVALUATION_ERROR', (_kind, request) => {
      expect(writErrorOf(() => engine.decide(request())).code).toBe('POLICY_EVALUATION_ERROR');
    });
  });

  describe('when a forbid errors at runtime (the fail-closed trap)', () => {
    // Cedar skips a policy whose condition errors and decides with the rest, so an
    // erroring forbid stops forbidding. decide() reports the skip in `errors`; the
    // authorize step turns any error into POLICY_EVALUATION_ERROR instead of trusting `allowed`.
    const overflowForbid =
      '@id("transfers-forbid-overflow")\nforbid (principal, action == Writ::Action::"transferFunds", resource)\nwhen { context.amountCents * 1000000000000 > 0 };';

    it('applies the forbid normally while the arithmetic fits in a Long', () => {
      const dir = copies.copy();
      appendFile(dir, 'transfers.cedar', overflowForbid);
      const withOverflow = new PolicyEngine(loadPolicySet(dir));
      expect(verdict(transfer({ amountCents: 1_000 }), withOverflow)).toEqual(deny('transfers-forbid-overflow'));
    });

    it('reports the overflowing forbid in errors; the over-limit forbid still denies this amount', () => {
      const dir = copies.copy();
      appendFile(dir, 'transfers.cedar', overflowForbid);
      const withOverflow = new PolicyEngine(loadPolicySet(dir));
      // 10,000,000 × 10^12 exceeds 2^63 − 1.
      const decision = withOverflow.decide(transfer({ amountCents: 10_000_000 }));
      expect(decision.allowed).toBe(false);
      expect(decision.determiningPolicies).toEqual(['transfers-forbid-over-limit']);
      expect(decision.errors).toEqual([{ policyId: 'transfers-forbid-overflow', message: expect.any(String) }]);
    });

    it('allows the request when the erroring forbid is the only one that would apply', () => {
      const dir = copies.copy();
      appendFile(dir, 'transfers.cedar', overflowForbid);
      // Without the over-limit forbid nothing else stands in the way: Cedar says allow.
      editFile(dir, 'transfers.cedar', 'when { context.amountCents > 1000000 };', 'when { context.amountCents > 100000000 };');
      const withOverflow = new PolicyEngine(loadPolicySet(dir));
      const decision = withOverflow.decide(transfer({ amountCents: 10_000_000 }));
      expect(decision.allowed).toBe(true);
      expect(decision.determiningPolicies).toEqual(['transfers-permit-treasury']);
      expect(decision.errors.map((error) => error.policyId)).toEqual(['transfers-forbid-overflow']);
    });
  });
});

describe('PolicyEngine approval rules', () => {
  const engine = new PolicyEngine(loadPolicySet(EXAMPLE_POLICIES_DIR));
  const big = (approvalCount: number): PolicyRequest => ({
    ...transfer({ amountCents: 200_000 }),
    context: { approvalCount, amountCents: 200_000, toAccount: 'acct-bob', toFrozen: false },
  });

  describe('when a transfer above 1,000.00 has fewer than two approvals', () => {
    it('is forbidden only by transfers-require-two-approvals', () => {
      expect(engine.decide(big(1))).toMatchObject({ allowed: false, determiningPolicies: ['transfers-require-two-approvals'], errors: [] });
    });
  });

  describe('when it has two', () => {
    it('is permitted by transfers-permit-treasury', () => {
      expect(engine.decide(big(2))).toMatchObject({ allowed: true, determiningPolicies: ['transfers-permit-treasury'] });
    });
  });

  describe('when someone asks whether a principal may approve', () => {
    const approve = (groups: string[], action: string) =>
      engine.decide({
        principal: { id: 'bob', groups },
        action: 'approveAction',
        resource: { uid: { type: 'Writ::ApprovalRequest', id: 'r' }, attrs: { action, initiator: 'alice' }, parents: [] },
        context: {},
      }).allowed;
    it('allows treasury approvers for transfers only', () => {
      expect(approve(['treasury-approvers'], 'transferFunds')).toBe(true);
      expect(approve(['treasury-approvers'], 'applyInfraChange')).toBe(false);
      expect(approve(['ops'], 'transferFunds')).toBe(false);
    });
  });
});

describe('PolicyEngine on a schema whose groups are not bare', () => {
  // Groups reach Cedar only as the principal's parents (PolicyEngine.decide), which is
  // exact only for a bare `entity Group;`: no engine may be built on anything else, the
  // worker's (from a policy directory) or the auditor's (from evidence).
  it.each([
    ['attributes', 'entity Group = { name: String };'],
    ['parents', 'entity Group in [Namespace];'],
  ])('refuses a Group with %s as POLICY_INVALID', (_what, declaration) => {
    const dir = copies.copy();
    editFile(dir, 'schema.cedarschema', 'entity Group;', declaration);
    const error = writErrorOf(() => new PolicyEngine(loadPolicySet(dir)));
    expect(error.code).toBe('POLICY_INVALID');
    expect(error.message).toContain('Writ::Group must have no attributes and no parents');
  });

  it('refuses it in a set that never went through loadPolicySet (the auditor builds engines from evidence)', () => {
    const set = loadPolicySet(EXAMPLE_POLICIES_DIR);
    const evidence = { ...set, digest: 'sha256:group-with-attributes', schemaText: set.schemaText.replace('entity Group;', 'entity Group = { name: String };') };
    const error = writErrorOf(() => new PolicyEngine(evidence));
    expect(error.code).toBe('POLICY_INVALID');
    expect(error.message).toContain('Writ::Group must have no attributes and no parents');
  });

  it('refuses a schema without Writ::Group as POLICY_INVALID, even when no policy names a group', () => {
    const dir = copies.copy();
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.cedar'))) fs.rmSync(path.join(dir, file));
    fs.writeFileSync(path.join(dir, 'schema.cedarschema'), 'namespace Writ {\n  entity User;\n  entity Thing;\n  action "touch" appliesTo { principal: [User], resource: [Thing] };\n}\n');
    fs.writeFileSync(path.join(dir, 'touch.cedar'), '@id("touch-anything")\npermit (principal, action == Writ::Action::"touch", resource);\n');
    const error = writErrorOf(() => new PolicyEngine(loadPolicySet(dir)));
    expect(error.code).toBe('POLICY_INVALID');
    expect(error.message).toContain('must declare `entity Group;`');
  });
});
