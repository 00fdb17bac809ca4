import { APPROVE_UPDATE, type ApprovalAnswer } from '../../core/protocol/operatorContract';
import { buildBundle, fetchRuns, policySetEvidence, verifyBundle, type AuditVerdict, type EvidenceBundle, type PasskeyEvidence } from '../../core/audit';
import { DEFAULT_PASSKEY_TRUST } from '../../core/passkeys/passkeyTrust';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { awaitPending } from '../support/awaitPending';
import { bindSoftwarePasskey, passkeyApproval, type PasskeyOperator } from '../support/passkeyOperators';
import { SoftwareAuthenticator } from '../support/softwareAuthenticator';

// Approvals made with operators' passkeys, as the console sends them, verified by the
// worker and then by an auditor offline from an exported bundle carrying the passkey
// evidence (bindings with their ID tokens and the passkeys' signatures over them).

jest.setTimeout(120_000);

let env: GovernedTestEnv;
let bob: PasskeyOperator;
let carol: PasskeyOperator;
let bundle: EvidenceBundle;
let workflowId: string;

beforeAll(async () => {
  env = await createGovernedTestEnv();
  bob = await bindSoftwarePasskey(env.governance, env.idp, 'bob', ['treasury-approvers']);
  carol = await bindSoftwarePasskey(env.governance, env.idp, 'carol', ['treasury-approvers']);
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  workflowId = `passkey-audit-${Date.now()}`;
  const handle = await client.workflow.start('transferFunds', { taskQueue: env.taskQueue, workflowId, args: [{ fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 }] });
  const pending = await awaitPending(handle);
  for (const operator of [bob, carol]) {
    await handle.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [passkeyApproval(operator, pending)] });
  }
  await handle.result();
  const options = await env.verifyOptions();
  const passkeys: PasskeyEvidence = {
    trust: { ...DEFAULT_PASSKEY_TRUST, origins: [...DEFAULT_PASSKEY_TRUST.origins] },
    // The sign-in provider here is the development one, whose ID tokens carry audience writ.
    signIn: { ...options.identity!, audience: options.identity!.audience! },
    bindings: [bob.binding, carol.binding].map((binding) => ({ ...binding, groups: [...binding.groups] })),
  };
  bundle = buildBundle(await fetchRuns(env.anonymousClient(), { workflowIds: [workflowId], related: false }), {
    namespace: env.namespace,
    keys: env.auditKeys(),
    policySets: [policySetEvidence((await env.verifyOptions()).policySets[0]!)],
    identity: options.identity!,
    passkeys,
  });
});
afterAll(async () => env?.close());

const replay = () => env.verifyOptions().then((options) => ({ replay: options.replay }));
const findings = (verdict: AuditVerdict) => verdict.runs.flatMap((run) => run.findings.map((finding) => `${finding.code}: ${finding.found}`));
const withPasskeys = (change: (passkeys: PasskeyEvidence) => PasskeyEvidence): EvidenceBundle => ({ ...bundle, passkeys: change(structuredClone(bundle.passkeys!)) });

describe('a transfer approved with two passkeys', () => {
  it('ran once the worker verified both, and the bundle verifies offline: the approvers are the bindings\' principals', async () => {
    const verdict = await verifyBundle(bundle, await replay());
    expect(findings(verdict)).toEqual([]);
    expect(verdict.passed).toBe(true);
    expect(verdict.runs[0]!.steps.map((step) => [step.decision, step.outcome, [...step.approvers].sort()])).toContainEqual(['permit', 'completed', ['bob', 'carol']]);
  });

  describe('when the bundle carries no passkey evidence', () => {
    it('reports the passkey approvals unverified (PASSKEY_UNKNOWN), never a pass', async () => {
      const { passkeys: _dropped, ...without } = bundle;
      const verdict = await verifyBundle(without, await replay());
      expect(verdict.passed).toBe(false);
      expect(findings(verdict).some((finding) => finding.includes('PASSKEY_UNKNOWN'))).toBe(true);
    });
  });

  describe("when a binding's public key is replaced by another passkey's", () => {
    it('finds its binding does not hold (PASSKEY_REGISTRATION_INVALID)', async () => {
      const other = new SoftwareAuthenticator('localhost');
      const verdict = await verifyBundle(withPasskeys((p) => ({ ...p, bindings: p.bindings.map((b) => (b.principal === 'carol' ? { ...b, publicKey: other.publicKey } : b)) })), await replay());
      expect(verdict.passed).toBe(false);
      expect(findings(verdict).some((finding) => finding.includes('PASSKEY_REGISTRATION_INVALID'))).toBe(true);
    });
  });

  describe("when a binding is re-labelled to another principal", () => {
    it("finds its document and ID token disagree with it (PASSKEY_REGISTRATION_INVALID), so the approval is no one's", async () => {
      const verdict = await verifyBundle(withPasskeys((p) => ({ ...p, bindings: p.bindings.map((b) => (b.principal === 'bob' ? { ...b, principal: 'mallory' } : b)) })), await replay());
      expect(verdict.passed).toBe(false);
      expect(findings(verdict).some((finding) => finding.includes('PASSKEY_REGISTRATION_INVALID'))).toBe(true);
    });
  });

  describe('when the auditor trusts another RP id than the one the passkeys are scoped to', () => {
    it("refuses the passkeys' own signatures over their bindings first (PASSKEY_REGISTRATION_INVALID), so no approval counts", async () => {
      const verdict = await verifyBundle(withPasskeys((p) => ({ ...p, trust: { rpId: 'console.example.com', origins: ['https://console.example.com'] } })), await replay());
      expect(verdict.passed).toBe(false);
      expect(findings(verdict).some((finding) => finding.includes('PASSKEY_REGISTRATION_INVALID') && finding.includes('console.example.com'))).toBe(true);
    });
  });

  describe("when the sign-in provider's keys are not the ones that signed the bindings' ID tokens", () => {
    it('finds the bindings unproven (PASSKEY_REGISTRATION_INVALID)', async () => {
      const verdict = await verifyBundle(withPasskeys((p) => ({ ...p, signIn: { ...p.signIn, audience: 'another-client' } })), await replay());
      expect(verdict.passed).toBe(false);
      expect(findings(verdict).some((finding) => finding.includes('PASSKEY_REGISTRATION_INVALID'))).toBe(true);
    });
  });
});
