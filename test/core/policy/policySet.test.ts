import fs from 'node:fs';
import path from 'node:path';
import { loadPolicySet } from '../../../core/policy/policySet';
import { EXAMPLE_POLICIES_DIR, PolicyCopies, appendFile, editFile, writErrorOf } from './policyTestKit';

const copies = new PolicyCopies();
afterAll(() => copies.dispose());

const EXAMPLE_POLICIES: [file: string, id: string][] = [
  ['agent.cedar', 'agent-permit-tools'],
  ['agent.cedar', 'agent-forbid-external-email'],
  ['agent.cedar', 'agent-forbid-large-refund'],
  ['agent.cedar', 'agent-refund-requires-approval'],
  ['approvals.cedar', 'approve-transfers-treasury-approvers'],
  ['approvals.cedar', 'approve-infra-change-managers'],
  ['approvals.cedar', 'approve-agent-support-leads'],
  ['console.cedar', 'console-view-operators-and-approvers'],
  ['console.cedar', 'console-kill-switch-operators'],
  ['infra.cedar', 'infra-permit-ops'],
  ['infra.cedar', 'infra-forbid-production-outside-window'],
  ['infra.cedar', 'infra-require-approval-in-production'],
  ['operators.cedar', 'operators-revoke'],
  ['operators.cedar', 'operators-kill-switch'],
  ['transfers.cedar', 'transfers-permit-treasury'],
  ['transfers.cedar', 'transfers-forbid-over-limit'],
  ['transfers.cedar', 'transfers-forbid-frozen'],
  ['transfers.cedar', 'transfers-require-two-approvals'],
];
const EXAMPLE_POLICY_IDS = EXAMPLE_POLICIES.map(([, id]) => id);

describe('loadPolicySet', () => {
  describe('when the repository example set is loaded', () => {
    it('returns its id, version, every policy by @id and a sha256 digest', () => {
      const manifest = JSON.parse(fs.readFileSync(path.join(EXAMPLE_POLICIES_DIR, 'policy-set.json'), 'utf8')) as { id: string; version: string };
      const set = loadPolicySet(EXAMPLE_POLICIES_DIR);
      expect(set.id).toBe('writ-examples');
      expect(set.version).toBe(manifest.version);
      expect(set.policies.map((policy) => policy.id)).toEqual(EXAMPLE_POLICY_IDS);
      expect(set.policies.map((policy) => policy.file)).toEqual(EXAMPLE_POLICIES.map(([file]) => file));
      expect(set.policies.find((policy) => policy.id === 'transfers-require-two-approvals')?.approval).toEqual({ required: 2, timeoutSeconds: 3600 });
      expect(set.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(set.schemaText).toBe(fs.readFileSync(path.join(EXAMPLE_POLICIES_DIR, 'schema.cedarschema'), 'utf8'));
    });
  });

  describe('when the same files are loaded again', () => {
    it('gives the same digest, wherever the directory is', () => {
      const original = loadPolicySet(EXAMPLE_POLICIES_DIR).digest;
      expect(loadPolicySet(EXAMPLE_POLICIES_DIR).digest).toBe(original);
      expect(loadPolicySet(copies.copy()).digest).toBe(original);
    });
  });

  describe('when a policy, the schema or the manifest changes', () => {
    const original = (): string => loadPolicySet(EXAMPLE_POLICIES_DIR).digest;
    it.each<[string, (dir: string) => void]>([
      ['an agent policy is edited', (dir) => editFile(dir, 'agent.cedar', 'context.amountCents > 5000', 'context.amountCents > 5001')],
      ['an infra policy is edited', (dir) => editFile(dir, 'infra.cedar', 'resource.environment == "production"', 'resource.environment == "prod"')],
      ['a transfers policy is edited', (dir) => editFile(dir, 'transfers.cedar', 'context.amountCents > 1000000', 'context.amountCents > 2000000')],
      ['a policy is added', (dir) => appendFile(dir, 'transfers.cedar', '@id("transfers-forbid-self")\nforbid (principal, action == Writ::Action::"transferFunds", resource)\nwhen { context.toAccount == "acct-self" };')],
      ['the schema text is edited', (dir) => editFile(dir, 'schema.cedarschema', 'entity Group;', 'entity Group;\n  // a reviewed change')],
      ['the version is bumped', (dir) => editFile(dir, 'policy-set.json', '"version": "', '"version": "next-')],
      ['the set id is changed', (dir) => editFile(dir, 'policy-set.json', '"writ-examples"', '"writ-examples-2"')],
    ])('gives a different digest when %s', (_kind, change) => {
      const dir = copies.copy();
      change(dir);
      const changed = loadPolicySet(dir).digest;
      expect(changed).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(changed).not.toBe(original());
    });
  });

  describe('when a policy has no @id', () => {
    it('refuses the set as POLICY_INVALID', () => {
      const dir = copies.copy();
      appendFile(dir, 'transfers.cedar', 'forbid (principal, action == Writ::Action::"transferFunds", resource) when { context.toFrozen };');
      const error = writErrorOf(() => loadPolicySet(dir));
      expect(error.code).toBe('POLICY_INVALID');
      expect(error.issues.map((issue) => issue.path)).toEqual(['transfers.cedar']);
    });
  });

  describe('when two policies share an @id', () => {
    it('refuses the set as POLICY_INVALID, also across files', () => {
      const dir = copies.copy();
      fs.writeFileSync(
        path.join(dir, 'extra.cedar'),
        '@id("transfers-forbid-frozen")\nforbid (principal, action == Writ::Action::"transferFunds", resource) when { context.amountCents > 5 };\n',
      );
      expect(writErrorOf(() => loadPolicySet(dir)).code).toBe('POLICY_INVALID');
    });
  });

  describe('when a policy fails strict validation against the schema', () => {
    it.each<[string, string]>([
      ['an unknown context attribute', '@id("transfers-forbid-unknown-attr")\nforbid (principal, action == Writ::Action::"transferFunds", resource) when { context.currency == "EUR" };'],
      ['an unknown entity attribute', '@id("transfers-forbid-unknown-entity-attr")\nforbid (principal, action == Writ::Action::"transferFunds", resource) when { resource.region == "eu" };'],
      ['an unknown entity type', '@id("transfers-forbid-unknown-type")\nforbid (principal == Writ::Robot::"r2", action == Writ::Action::"transferFunds", resource);'],
      ['an unknown action', '@id("transfers-forbid-unknown-action")\nforbid (principal, action == Writ::Action::"mintMoney", resource);'],
      ['a type error', '@id("transfers-forbid-type-error")\nforbid (principal, action == Writ::Action::"transferFunds", resource) when { context.amountCents == "lots" || context.amountCents > "1" };'],
    ])('refuses %s as POLICY_INVALID, listing the issues by policy id', (_kind, policy) => {
      const dir = copies.copy();
      appendFile(dir, 'transfers.cedar', policy);
      const id = /@id\("([^"]+)"\)/.exec(policy)?.[1];
      const error = writErrorOf(() => loadPolicySet(dir));
      expect(error.code).toBe('POLICY_INVALID');
      expect(error.issues.length).toBeGreaterThan(0);
      expect(error.issues.map((issue) => issue.path)).toContain(id);
    });
  });

  describe('when a policy file does not parse', () => {
    it('refuses the set as POLICY_INVALID with the parse errors as issues', () => {
      const dir = copies.copy();
      appendFile(dir, 'agent.cedar', '@id("agent-broken")\npermit (principal, action == Writ::Action::"agentWriteNote", resource');
      const error = writErrorOf(() => loadPolicySet(dir));
      expect(error.code).toBe('POLICY_INVALID');
      expect(error.issues.map((issue) => issue.path)).toContain('agent.cedar');
    });
  });

  describe('when the policy set manifest is missing or the directory is', () => {
    it('refuses a directory without policy-set.json as POLICY_UNAVAILABLE', () => {
      const dir = copies.copy();
      fs.rmSync(path.join(dir, 'policy-set.json'));
      expect(writErrorOf(() => loadPolicySet(dir)).code).toBe('POLICY_UNAVAILABLE');
    });

    it('refuses a directory that does not exist as POLICY_UNAVAILABLE', () => {
      expect(writErrorOf(() => loadPolicySet(copies.missing())).code).toBe('POLICY_UNAVAILABLE');
    });
  });

  describe('when the manifest is not a valid policy-set.json', () => {
    it.each<[string, string]>([
      ['not JSON', '{ "id": '],
      ['an unknown member', '{ "id": "writ-examples", "version": "1", "owner": "me" }'],
      ['no version', '{ "id": "writ-examples" }'],
    ])('refuses a manifest with %s as POLICY_INVALID', (_kind, text) => {
      const dir = copies.copy();
      fs.writeFileSync(path.join(dir, 'policy-set.json'), text);
      expect(writErrorOf(() => loadPolicySet(dir)).code).toBe('POLICY_INVALID');
    });
  });

  describe('when there is not exactly one schema', () => {
    it('refuses a set with no .cedarschema as POLICY_INVALID', () => {
      const dir = copies.copy();
      fs.rmSync(path.join(dir, 'schema.cedarschema'));
      expect(writErrorOf(() => loadPolicySet(dir)).code).toBe('POLICY_INVALID');
    });

    it('refuses a set with two .cedarschema files as POLICY_INVALID', () => {
      const dir = copies.copy();
      fs.copyFileSync(path.join(dir, 'schema.cedarschema'), path.join(dir, 'second.cedarschema'));
      expect(writErrorOf(() => loadPolicySet(dir)).code).toBe('POLICY_INVALID');
    });
  });

  describe('when there are no policies or only templates', () => {
    it('refuses a set without .cedar files as POLICY_INVALID', () => {
      const dir = copies.copy();
      for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.cedar'))) fs.rmSync(path.join(dir, file));
      expect(writErrorOf(() => loadPolicySet(dir)).code).toBe('POLICY_INVALID');
    });

    it('refuses a policy template as POLICY_INVALID', () => {
      const dir = copies.copy();
      appendFile(dir, 'transfers.cedar', '@id("transfers-template")\npermit (principal == ?principal, action == Writ::Action::"transferFunds", resource);');
      expect(writErrorOf(() => loadPolicySet(dir)).code).toBe('POLICY_INVALID');
    });
  });
});

describe('loadPolicySet approval annotations', () => {
  it.each([
    ['on a permit', '@id("p")\n@approvalsRequired("1")\npermit (principal, action == Writ::Action::"transferFunds", resource);'],
    ['with a count of 0', '@id("p")\n@approvalsRequired("0")\nforbid (principal, action == Writ::Action::"transferFunds", resource);'],
    ['with a count that is not a number', '@id("p")\n@approvalsRequired("two")\nforbid (principal, action == Writ::Action::"transferFunds", resource);'],
    ['with a timeout too short', '@id("p")\n@approvalsRequired("1")\n@approvalTimeoutSeconds("5")\nforbid (principal, action == Writ::Action::"transferFunds", resource);'],
    ['with a timeout but no count', '@id("p")\n@approvalTimeoutSeconds("600")\nforbid (principal, action == Writ::Action::"transferFunds", resource);'],
  ])('refuses an approval rule %s as POLICY_INVALID', (_case, policy) => {
    const dir = copies.copy();
    appendFile(dir, 'transfers.cedar', policy);
    expect(writErrorOf(() => loadPolicySet(dir)).code).toBe('POLICY_INVALID');
  });
});
