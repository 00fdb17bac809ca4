import { canonicalJson } from '../../../../core/canonical/canonicalJson';
import { DenialClaimsSchema } from '../../../../core/log/entries/denialClaims';
import { decodeEvidenceEntry, encodeEvidenceEntry, MAX_ENTRY_BYTES, passkeyBindingEntry, type EvidenceEntry } from '../../../../core/log/entries/evidenceEntry';
import { testEntry } from '../support/evidence';
import { codeOf } from '../../../support/codeOf';


describe('evidence entries', () => {
  it('are logged as their RFC 8785 canonical JSON and read back to the same envelope', () => {
    const entry = testEntry(7);
    const bytes = encodeEvidenceEntry(entry);
    expect(bytes.toString('utf8')).toBe(canonicalJson(entry));
    expect(bytes.toString('utf8').startsWith('{"evidence":')).toBe(true);
    expect(decodeEvidenceEntry(bytes)).toEqual(entry);
  });

  it('name a run and step for step evidence, a run alone for a revocation, neither for the kill switch', () => {
    const evidence = testEntry(1).evidence;
    const ok: EvidenceEntry[] = [
      { v: 1, kind: 'denial', runId: 'r', stepId: 's', evidence },
      { v: 1, kind: 'revocation', runId: 'r', stepId: null, evidence },
      { v: 1, kind: 'kill-switch', runId: null, stepId: null, evidence },
    ];
    for (const entry of ok) expect(decodeEvidenceEntry(encodeEvidenceEntry(entry))).toEqual(entry);
    const bad = [
      { v: 1, kind: 'kill-switch', runId: 'r', stepId: null, evidence },
      { v: 1, kind: 'artifact', runId: 'r', stepId: null, evidence },
      { v: 1, kind: 'passkey-binding', runId: 'r', stepId: 's', evidence },
      { v: 2, kind: 'artifact', runId: 'r', stepId: 's', evidence },
      { v: 1, kind: 'artifact', runId: 'r', stepId: 's', evidence, args: [1] },
    ];
    for (const entry of bad) expect(codeOf(() => encodeEvidenceEntry(entry as EvidenceEntry))).toBe('LOG_ENTRY_INVALID');
  });

  it(`refuses an entry over ${MAX_ENTRY_BYTES} bytes with LOG_ENTRY_TOO_LARGE, naming its size`, () => {
    const entry = { ...testEntry(1), evidence: `${'a'.repeat(MAX_ENTRY_BYTES - 80)}.b.c` };
    try {
      encodeEvidenceEntry(entry);
      throw new Error('not refused');
    } catch (error) {
      expect(error).toMatchObject({ code: 'LOG_ENTRY_TOO_LARGE', facts: { kind: 'artifact' } });
    }
  });

  it.each([
    ['not in canonical form', Buffer.from(JSON.stringify(testEntry(1), null, 1))],
    ['a member named twice', Buffer.from(canonicalJson(testEntry(1)).replace('{', '{"v":1,'))],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d])],
    ['not JSON', Buffer.from('hello')],
  ])('reads back nothing %s (LOG_ENTRY_INVALID)', (_why, bytes) => {
    expect(codeOf(() => decodeEvidenceEntry(bytes))).toBe('LOG_ENTRY_INVALID');
  });
});

describe('passkey binding entries', () => {
  const binding = {
    credentialId: 'Y3JlZGVudGlhbA',
    principal: 'bob',
    groups: ['treasury-approvers'],
    publicKey: 'cHVibGljLWtleQ',
    rpId: 'localhost',
    registeredAt: '2026-12-02T18:00:00.000Z',
    bindingDigest: `sha256:${'d'.repeat(64)}`,
    evidence: '{"document":{},"idToken":"a.b.c","assertion":{}}',
  };

  it("hold exactly the binding's evidence members, in canonical JSON, and name no run or step", () => {
    const entry = passkeyBindingEntry({ ...binding, kind: 'writ-passkey-binding', idTokenDigest: 'sha256:x' } as typeof binding);
    expect(entry).toEqual({ v: 1, kind: 'passkey-binding', runId: null, stepId: null, evidence: canonicalJson(binding) });
    expect(decodeEvidenceEntry(encodeEvidenceEntry(entry))).toEqual(entry);
  });

  it('refuse a binding spelled another way, with a member too many or too few, or not a binding at all (LOG_ENTRY_INVALID)', () => {
    const { evidence: _evidence, ...lacking } = binding;
    for (const evidence of [JSON.stringify(binding, null, 1), canonicalJson({ ...binding, extra: 1 }), canonicalJson(lacking), 'a.b.c', '{"credentialId":'] as const) {
      expect(codeOf(() => encodeEvidenceEntry({ v: 1, kind: 'passkey-binding', runId: null, stepId: null, evidence }))).toBe('LOG_ENTRY_INVALID');
    }
  });
});

describe('signed denial record claims', () => {
  const claims = {
    iss: 'writ',
    aud: 'writ-audit',
    jti: '5a0c7f26-1e5b-4f7e-9d0a-3c1c2d9a7b10',
    iat: 1_767_225_600,
    writ: {
      v: 1,
      stage: 'authorize',
      code: 'POLICY_DENIED',
      principal: { id: 'eve', issuer: 'writ-dev-idp', tokenDigest: `sha256:${'a'.repeat(64)}` },
      runtime: { namespace: 'writ', taskQueue: 'q', workflowId: 'wf', runId: 'run', stepId: 'writ-step-1', activityId: 'writ-step-1.1' },
      intent: { action: 'transferFunds', argsDigest: `sha256:${'b'.repeat(64)}` },
      policy: { setId: 'writ-examples', version: '2026-11-26.1', digest: `sha256:${'c'.repeat(64)}`, determiningPolicies: ['forbid-large'] },
    },
  };

  it('bind principal, action, argument digest, policy version and code', () => {
    expect(DenialClaimsSchema.parse(claims)).toEqual(claims);
  });

  it('allow no principal (no verified identity), no argument digest and no policy (refused before one decided)', () => {
    const early = { ...claims, writ: { ...claims.writ, code: 'IDENTITY_MISSING', principal: null, intent: { action: 'transferFunds', argsDigest: null }, policy: null } };
    expect(DenialClaimsSchema.safeParse(early).success).toBe(true);
  });

  it('are strict: an unknown claim, a code Writ does not have, or the arguments themselves are refused', () => {
    for (const bad of [
      { ...claims, extra: 1 },
      { ...claims, writ: { ...claims.writ, code: 'NOT_A_CODE' } },
      { ...claims, writ: { ...claims.writ, intent: { ...claims.writ.intent, args: [{ amountCents: 5 }] } } },
    ]) {
      expect(DenialClaimsSchema.safeParse(bad).success).toBe(false);
    }
  });
});
