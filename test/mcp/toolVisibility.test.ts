import { loadPolicySet, type PolicySet } from '../../core/policy/policySet';
import { PolicySource } from '../../core/policy/policySource';
import { ToolVisibility, visibleTools } from '../../mcp/toolVisibility';
import { appendFile, editFile, EXAMPLE_POLICIES_DIR, PolicyCopies, writErrorOf } from '../core/policy/policyTestKit';

// What tools/list offers, decided by Cedar's partial evaluation over the example policy set:
// principal and action known, resource and context unknown.

const TREASURER = { principal: 'alice', groups: ['treasury', 'ops'] };
const AGENT = { principal: 'support-agent', groups: ['agents'] };
const TOOLS = ['transferFunds', 'applyInfraChange', 'agentSearchDocs', 'agentWriteNote', 'agentSendEmail', 'agentIssueRefund'];

const copies = new PolicyCopies();
afterAll(() => copies.dispose());

const offered = (set: PolicySet, who: { principal: string; groups: string[] }, tools = TOOLS): string[] => [...visibleTools(set, who, tools).tools].sort();

/** A copy of the example set with `edit` applied, loaded. */
function editedSet(edit: (dir: string) => void): PolicySet {
  const dir = copies.copy();
  edit(dir);
  return loadPolicySet(dir);
}

describe('when the example policy set decides what a principal is offered', () => {
  const set = loadPolicySet(EXAMPLE_POLICIES_DIR);

  it('offers the treasurer the money and infrastructure tools and none of the agent\'s', () => {
    expect(offered(set, TREASURER)).toEqual(['applyInfraChange', 'transferFunds']);
  });

  it('offers the agent its own tools, a refund that needs approval among them, and not transfers', () => {
    expect(offered(set, AGENT)).toEqual(['agentIssueRefund', 'agentSearchDocs', 'agentSendEmail', 'agentWriteNote']);
  });

  it('offers a principal in no group nothing', () => {
    expect(offered(set, { principal: 'mallory', groups: [] })).toEqual([]);
  });

  it('names the policy set it was decided under', () => {
    expect(visibleTools(set, AGENT, TOOLS)).toMatchObject({ policySetId: set.id, policyVersion: set.version, policyDigest: set.digest });
  });

  it('leaves out an action the schema does not declare', () => {
    expect(offered(set, AGENT, ['agentSearchDocs', 'notInSchema'])).toEqual(['agentSearchDocs']);
  });
});

describe('when a forbid always applies to the principal', () => {
  it('leaves the tool out though a permit names it', () => {
    const set = editedSet((dir) => appendFile(dir, 'agent.cedar', '@id("agents-never-email")\nforbid (principal in Writ::Group::"agents", action == Writ::Action::"agentSendEmail", resource);'));
    expect(offered(set, AGENT)).toEqual(['agentIssueRefund', 'agentSearchDocs', 'agentWriteNote']);
  });
});

describe('when a permit depends on the arguments', () => {
  it('offers the tool: some call could be permitted', () => {
    const set = editedSet((dir) => appendFile(dir, 'agent.cedar', '@id("agents-small-transfers")\npermit (principal in Writ::Group::"agents", action == Writ::Action::"transferFunds", resource)\nwhen { context.amountCents < 100 && !resource.frozen };'));
    expect(offered(set, AGENT)).toContain('transferFunds');
  });
});

describe('when the context has an optional attribute', () => {
  // `context has tag` is true of an unknown value, so the forbid would look settled; a call
  // without `tag` is permitted, so the tool must stay offered.
  it('keeps the tool offered rather than guess what `has` will say', () => {
    const set = editedSet((dir) => {
      editFile(dir, 'schema.cedarschema', 'context: { approvalCount: Long },', 'context: { approvalCount: Long, tag?: String },');
      appendFile(dir, 'agent.cedar', '@id("agents-untagged-only")\nforbid (principal, action == Writ::Action::"agentSearchDocs", resource)\nwhen { context has tag };');
    });
    expect(offered(set, AGENT)).toContain('agentSearchDocs');
  });
});

describe('when the gateway\'s policy source changes', () => {
  it('offers what the new set permits, and names the new version', () => {
    const dir = copies.copy();
    const source = PolicySource.load(dir);
    const visibility = new ToolVisibility(source, AGENT, TOOLS);
    expect([...visibility.current().tools]).not.toContain('transferFunds');
    appendFile(dir, 'agent.cedar', '@id("agents-transfer")\npermit (principal in Writ::Group::"agents", action == Writ::Action::"transferFunds", resource);');
    editFile(dir, 'policy-set.json', '"2026-12-02.1"', '"2026-12-02.2"');
    source.reload();
    expect(visibility.current()).toMatchObject({ policyVersion: '2026-12-02.2' });
    expect([...visibility.current().tools]).toContain('transferFunds');
  });

  it('offers nothing while the set is invalid: POLICY_INVALID', () => {
    const dir = copies.copy();
    const source = PolicySource.load(dir);
    const visibility = new ToolVisibility(source, AGENT, TOOLS);
    appendFile(dir, 'agent.cedar', 'permit (principal, action, resource) when { nonsense');
    source.reload();
    expect(writErrorOf(() => visibility.current()).code).toBe('POLICY_INVALID');
  });

  it('offers nothing while the set is gone: POLICY_UNAVAILABLE', () => {
    const visibility = new ToolVisibility({ current: () => PolicySource.load(copies.missing()).current() }, AGENT, TOOLS);
    expect(writErrorOf(() => visibility.current()).code).toBe('POLICY_UNAVAILABLE');
  });
});
