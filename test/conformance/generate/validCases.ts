import { mintArtifact } from '../../../core/artifact/mintArtifact';
import { ARTIFACT_TYP, type ArtifactClaims } from '../../../core/artifact/claims';
import { intentDigest } from '../../../core/artifact/intentDigest';
import { approvalOf, at, baseClaims, changed, FACTS, ISSUED, NOW, OTHER_POLICY_DIGEST, pass, signedByWrit, signerOf, TTL, withHeader, writSigned, type CaseSpec, type GeneratedKey, type KeyMaterial } from './vectorKit';

/** Cases every verifier must accept: the controls for every refusal. */
export async function validCases(keys: KeyMaterial): Promise<CaseSpec[]> {
  const { a, b } = keys;
  const minted = await mintedBasic(a);
  return [
    {
      name: 'valid-basic',
      why: 'an artifact minted by `mintArtifact` for this very execution, presented ten seconds into its 60 s window.',
      token: minted,
      expected: pass,
    },
    { name: 'valid-at-nbf', why: 'judged exactly at nbf (= iat) with no clock skew: the window includes nbf.', token: await signedByWrit(baseClaims({ iat: NOW }), a), now: NOW, clockSkewSeconds: 0, expected: pass },
    { name: 'valid-one-second-before-exp', why: 'judged one second before exp with no clock skew.', token: writSigned(baseClaims({ iat: NOW - 59 }), a), now: NOW, clockSkewSeconds: 0, expected: pass },
    {
      name: 'valid-within-skew-before-nbf',
      why: 'iat = nbf five seconds after the verifier\'s clock, with a tolerated skew of 5 s.',
      token: writSigned(baseClaims({ iat: NOW + 5 }), a),
      clockSkewSeconds: 5,
      expected: pass,
    },
    {
      name: 'valid-within-skew-after-exp',
      why: 'judged four seconds after exp with a tolerated skew of 5 s (refused from exp + 5).',
      token: writSigned(baseClaims({ iat: NOW - 64 }), a),
      clockSkewSeconds: 5,
      expected: pass,
    },
    { name: 'valid-max-lifetime', why: 'exp - iat is exactly maxLifetimeSeconds (900).', token: writSigned(baseClaims({ iat: NOW - 450, exp: NOW + 450 }), a), expected: pass },
    { name: 'valid-nbf-after-iat', why: 'nbf later than iat (iat <= nbf < exp), judged inside [nbf, exp).', token: writSigned(baseClaims({ iat: NOW - 30, nbf: NOW - 5, exp: NOW + 30 }), a), expected: pass },
    { name: 'valid-rotated-key', why: 'signed by the second key in the trusted set (the previous signer, kept verify-only after a rotation).', token: writSigned(baseClaims(), b), expected: pass },
    {
      name: 'valid-header-member-order',
      why: 'the pinned header with its members in another order, genuinely signed: the header is judged by its members, not its bytes.',
      token: withHeader({ kid: a.kid, typ: ARTIFACT_TYP, alg: 'EdDSA' }, baseClaims(), a.privateKey),
      expected: pass,
    },
    {
      name: 'valid-args-key-order',
      why: 'the action receives its arguments with object members in another order than they were authorized: the digest is over RFC 8785 canonical JSON.',
      token: writSigned(baseClaims(), a),
      facts: { ...FACTS, args: [{ amountCents: 777, toAccount: 'acct-bob', fromAccount: 'acct-alice' }] },
      expected: pass,
    },
    {
      name: 'valid-last-attempt',
      why: 'the third attempt of an artifact that authorizes three.',
      token: writSigned(changed((c) => (at(c, 'writ', 'runtime')['maxAttempts'] = 3)), a),
      facts: { ...FACTS, attempt: 3 },
      expected: pass,
    },
    {
      name: 'valid-with-approvals',
      why: 'an artifact whose policy required two approvals carries two distinct approvers, neither of them the principal.',
      token: writSigned(changed((c) => (at(c, 'writ')['approval'] = approvalOf(2, ['bob', 'carol']))), a),
      expected: pass,
    },
    {
      name: 'valid-policy-not-judged',
      why: 'minted under another policy set, judged with no active policy digest (as by an auditor reading history): freshness is not judged.',
      token: writSigned(changed((c) => (at(c, 'writ', 'policy')['digest'] = OTHER_POLICY_DIGEST)), a),
      activePolicyDigest: null,
      expected: pass,
    },
    {
      name: 'valid-unicode-args',
      why: 'arguments with non-ASCII text, escapes and numbers in several spellings digest the same at the action as at authorization.',
      token: writSigned(changed((c) => (at(c, 'writ', 'intent')['argsDigest'] = intentDigest(FACTS.activityType, [{ memo: 'Überweisung 💶 \u2028 "quoted"', amounts: [1e21, 0.1, -0, 100] }]))), a),
      facts: { ...FACTS, args: [{ amounts: [1e21, 0.1, 0, 1e2], memo: 'Überweisung 💶 \u2028 "quoted"' }] },
      expected: pass,
    },
  ];
}


/** `valid-basic` goes through the real minting path, so it is minted rather than built. */
async function mintedBasic(key: GeneratedKey): Promise<string> {
  const { principal, runtime, policy, intent, environment, lineage } = (baseClaims() as unknown as ArtifactClaims).writ;
  return (await mintArtifact({ principal, runtime, policy, intent, environment, lineage }, signerOf(key), new Date(ISSUED * 1000), TTL)).token;
}

