import { MAX_ARTIFACT_BYTES } from '../../../core/artifact/verify/decodeArtifact';
import { intentDigest } from '../../../core/artifact/intentDigest';
import { at, b64, baseClaims, changed, FACTS, fail, flipBit, malleated, nonCanonicalTail, parts, pass, pinnedHeader, sizedToken, writSigned, type CaseSpec, type KeyMaterial } from './vectorKit';

/** The compact serialisation, its size, and the signature over it. */
export function serialisationCases(keys: KeyMaterial): CaseSpec[] {
  const { a, b, foreign } = keys;
  const genuine = writSigned(baseClaims(), a);
  const [gHead, gPayload, gSig] = parts(genuine);

  return [
    // compact serialisation and size
    { name: 'artifact-empty_fail', why: 'the artifact header is present but empty.', token: '', expected: fail('ARTIFACT_MISSING') },
    { name: 'compact-two-parts_fail', why: 'the token has a header and a payload but no signature part at all.', token: `${gHead}.${gPayload}`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-four-parts_fail', why: 'the token has four dot-separated parts.', token: `${genuine}.${gSig}`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-five-parts-jwe_fail', why: 'the token has the five-part shape of a JWE.', token: `${gHead}.${gPayload}.AAAA.BBBB.${gSig}`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-bad-base64_fail', why: 'the payload part holds characters outside base64url (`+` and `/`).', token: `${gHead}.${gPayload.slice(0, -2)}+/.${gSig}`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-padded_fail', why: 'the header part carries `=` padding, which compact JWS forbids.', token: `${gHead}==.${gPayload}.${gSig}`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-whitespace_fail', why: 'the token ends with a line feed.', token: `${genuine}\n`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-non-ascii_fail', why: 'the token contains a non-ASCII character that looks like a base64url letter.', token: `${gHead}.${gPayload.slice(0, -1)}\u0410.${gSig}`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-empty-payload_fail', why: 'the payload part is empty (detached payload), which Writ never issues.', token: `${gHead}..${gSig}`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-header-not-json_fail', why: 'the header part decodes to text that is not JSON.', token: `${b64('not json')}.${gPayload}.${gSig}`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-header-array_fail', why: 'the header part is a JSON array holding the pinned header.', token: `${b64(JSON.stringify([pinnedHeader(a.kid)]))}.${gPayload}.${gSig}`, expected: fail('ARTIFACT_MALFORMED') },
    { name: 'compact-header-null_fail', why: 'the header part is the JSON literal null.', token: `${b64('null')}.${gPayload}.${gSig}`, expected: fail('ARTIFACT_MALFORMED') },
    {
      name: 'json-serialization_fail',
      why: 'the artifact is a JWS in JSON serialisation, not compact.',
      token: JSON.stringify({ protected: gHead, payload: gPayload, signature: gSig }),
      expected: fail('ARTIFACT_MALFORMED'),
    },
    {
      name: 'valid-at-size-limit',
      why: `a genuine artifact of exactly ${MAX_ARTIFACT_BYTES} characters, the largest accepted.`,
      detail: 'Padded through the principal\'s groups, which the claims schema bounds; the control for the oversized cases.',
      token: sizedToken(MAX_ARTIFACT_BYTES, a),
      expected: pass,
    },
    {
      name: 'oversized-by-one_fail',
      why: `the token is ${MAX_ARTIFACT_BYTES + 1} characters, one over the limit: refused before any parsing.`,
      detail: 'It is `valid-at-size-limit` with one more signature character, so without the size check it would be a bad signature instead.',
      token: `${sizedToken(MAX_ARTIFACT_BYTES, a)}A`,
      expected: fail('ARTIFACT_MALFORMED'),
    },
    {
      name: 'oversized_fail',
      why: `a genuinely signed artifact of ${MAX_ARTIFACT_BYTES + 2} characters (the smallest length over the limit a pinned-header Ed25519 token can have): the size alone refuses it.`,
      token: sizedToken(MAX_ARTIFACT_BYTES + 2, a),
      expected: fail('ARTIFACT_MALFORMED'),
    },
    // signature layer
    { name: 'signature-foreign-key_fail', why: 'signed by a key nobody trusts that claims the trusted kid.', token: writSigned(baseClaims(), { ...foreign, kid: a.kid }), expected: fail('ARTIFACT_SIGNATURE_INVALID') },
    { name: 'signature-other-trusted-key_fail', why: 'signed by one trusted key under the kid of another.', token: writSigned(baseClaims(), { ...b, kid: a.kid }), expected: fail('ARTIFACT_SIGNATURE_INVALID') },
    { name: 'signature-truncated_fail', why: 'the signature part lost its last character.', token: `${gHead}.${gPayload}.${gSig.slice(0, -1)}`, expected: fail('ARTIFACT_SIGNATURE_INVALID') },
    { name: 'signature-empty_fail', why: 'an EdDSA artifact whose signature part is empty.', token: `${gHead}.${gPayload}.`, expected: fail('ARTIFACT_SIGNATURE_INVALID') },
    { name: 'signature-bit-flip_fail', why: 'one bit of the signature\'s R is flipped.', token: `${gHead}.${gPayload}.${flipBit(gSig, 5)}`, expected: fail('ARTIFACT_SIGNATURE_INVALID') },
    {
      name: 'signature-non-canonical-s_fail',
      why: 'the signature\'s S is replaced by S + L, equal modulo the group order (signature malleability).',
      detail: 'RFC 8032 section 5.1.7 requires 0 <= S < L; a verifier that reduces S would accept a second encoding of one signature, and with it a second digest for one artifact.',
      token: `${gHead}.${gPayload}.${malleated(gSig)}`,
      expected: fail('ARTIFACT_SIGNATURE_INVALID'),
    },
    {
      name: 'signature-non-canonical-base64_fail',
      why: 'the last signature character differs only in bits base64url decoding discards, so the bytes are the same but the token is not.',
      detail: 'One signed artifact must have one compact form and one digest (the lineage link).',
      token: `${gHead}.${gPayload}.${nonCanonicalTail(gSig)}`,
      expected: fail('ARTIFACT_SIGNATURE_INVALID'),
    },
    {
      name: 'signature-payload-altered_fail',
      why: 'the payload was replaced (another amount) under the original signature.',
      token: `${gHead}.${b64(JSON.stringify(changed((c) => (at(c, 'writ', 'intent')['argsDigest'] = intentDigest(FACTS.activityType, [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 777000 }])))))}.${gSig}`,
      expected: fail('ARTIFACT_SIGNATURE_INVALID'),
    },
    {
      name: 'signature-header-reencoded_fail',
      why: 'the header was re-serialised (same members, added whitespace) while the signature covers the original bytes.',
      token: `${b64(JSON.stringify(pinnedHeader(a.kid), null, 1))}.${gPayload}.${gSig}`,
      expected: fail('ARTIFACT_SIGNATURE_INVALID'),
    },
  ];
}

