import { createHmac, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { ARTIFACT_TYP } from '../../../core/artifact/claims';
import type { WritErrorCode } from '../../../core/errors/writError';
import { RECEIPT_TYP } from '../../../core/receipt/receiptClaims';
import { b64, baseClaims, ed25519Signed, fail, otherAlg, pinnedHeader, withHeader, writSigned, type CaseSpec, type Json, type KeyMaterial } from './vectorKit';

// Cases about the protected header: the algorithm, the key it names, members that could
// steer key selection or processing, and the type.

/** Algorithm confusion: none, HMAC keyed with the public key, other curves and algorithms, wrong spellings. */
export function algorithmCases(keys: KeyMaterial): CaseSpec[] {
  const { a } = keys;
  const publicRaw = Buffer.from(a.publicJwk.x, 'base64url');
  const publicPem = createPublicKey(a.privateKey).export({ format: 'pem', type: 'spki' }).toString();
  const claims = baseClaims();
  const hmac = (secret: Buffer | string) => (input: Buffer) => createHmac('sha256', secret).update(input).digest();
  return [
    {
      name: 'alg-none_fail',
      why: 'the header names alg "none" and the signature part is empty (an unsecured JWS).',
      token: `${b64(JSON.stringify({ alg: 'none', typ: ARTIFACT_TYP, kid: a.kid }))}.${b64(JSON.stringify(claims))}.`,
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-none-with-signature_fail',
      why: 'the header names alg "none" but carries a genuine Ed25519 signature by the trusted key.',
      token: withHeader({ alg: 'none', typ: ARTIFACT_TYP, kid: a.kid }, claims, a.privateKey),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-hs256-public-key_fail',
      why: 'HS256 keyed with the trusted Ed25519 public key\'s 32 raw bytes (key confusion: the verifier\'s public key as an HMAC secret).',
      token: otherAlg({ alg: 'HS256', typ: ARTIFACT_TYP, kid: a.kid }, claims, hmac(publicRaw)),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-hs256-public-pem_fail',
      why: 'HS256 keyed with the trusted public key\'s SPKI PEM text, the classic RS/HS confusion applied to Ed25519.',
      token: otherAlg({ alg: 'HS256', typ: ARTIFACT_TYP, kid: a.kid }, claims, hmac(publicPem)),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-es256_fail',
      why: 'a genuine ES256 signature (P-256, another curve) under the trusted kid.',
      token: otherAlg({ alg: 'ES256', typ: ARTIFACT_TYP, kid: a.kid }, claims, (input) => sign('sha256', input, { key: keys.p256, dsaEncoding: 'ieee-p1363' })),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-es256k_fail',
      why: 'a genuine ES256K signature (secp256k1, another curve) under the trusted kid.',
      token: otherAlg({ alg: 'ES256K', typ: ARTIFACT_TYP, kid: a.kid }, claims, (input) => sign('sha256', input, { key: keys.secp256k1, dsaEncoding: 'ieee-p1363' })),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-rs256_fail',
      why: 'a genuine RS256 signature by an RSA key under the trusted kid.',
      token: otherAlg({ alg: 'RS256', typ: ARTIFACT_TYP, kid: a.kid }, claims, (input) => sign('sha256', input, keys.rsa)),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-ed448_fail',
      why: 'the fully-specified alg "Ed448" (RFC 9864) with a genuine Ed448 signature.',
      token: otherAlg({ alg: 'Ed448', typ: ARTIFACT_TYP, kid: a.kid }, claims, (input) => sign(null, input, keys.ed448)),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-eddsa-ed448-signature_fail',
      why: 'alg "EdDSA" as pinned, but the signature is Ed448 (the other EdDSA curve, 114 bytes) under the trusted kid.',
      detail: 'EdDSA in JOSE (RFC 8037) covers both curves; Writ pins the curve through the trusted key, never through the signature.',
      token: otherAlg(pinnedHeader(a.kid), claims, (input) => sign(null, input, keys.ed448)),
      expected: fail('ARTIFACT_SIGNATURE_INVALID'),
    },
    {
      name: 'alg-ed25519-fully-specified_fail',
      why: 'the fully-specified alg "Ed25519" (RFC 9864) with a genuine signature by the trusted key: the pinned name is exactly "EdDSA".',
      token: withHeader({ alg: 'Ed25519', typ: ARTIFACT_TYP, kid: a.kid }, claims, a.privateKey),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-wrong-case_fail',
      why: 'alg "eddsa" in the wrong case, genuinely signed by the trusted key: algorithm names are case-sensitive.',
      token: withHeader({ alg: 'eddsa', typ: ARTIFACT_TYP, kid: a.kid }, claims, a.privateKey),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-trailing-space_fail',
      why: 'alg "EdDSA " with a trailing space, genuinely signed by the trusted key.',
      token: withHeader({ alg: 'EdDSA ', typ: ARTIFACT_TYP, kid: a.kid }, claims, a.privateKey),
      expected: fail('ARTIFACT_ALG_NOT_ALLOWED'),
    },
    {
      name: 'alg-missing_fail',
      why: 'the header has no alg member, genuinely signed by the trusted key.',
      token: withHeader({ typ: ARTIFACT_TYP, kid: a.kid }, claims, a.privateKey),
      expected: fail('ARTIFACT_MALFORMED'),
    },
    {
      name: 'alg-array_fail',
      why: 'alg is the array ["EdDSA"] instead of a string.',
      token: withHeader({ alg: ['EdDSA'], typ: ARTIFACT_TYP, kid: a.kid }, claims, a.privateKey),
      expected: fail('ARTIFACT_MALFORMED'),
    },
  ];
}

/** Untrusted and unknown keys, and kid abuse. */
export function keyCases(keys: KeyMaterial): CaseSpec[] {
  const { a, b, foreign } = keys;
  const claims = baseClaims();
  return [
    { name: 'kid-unknown_fail', why: 'signed by a foreign key under its own kid, which is not in the trusted set.', token: writSigned(claims, foreign), expected: fail('ARTIFACT_KEY_UNKNOWN') },
    {
      name: 'key-not-in-set_fail',
      why: 'signed by a key that was once trusted but is not in the verifier\'s key set (only the other key is).',
      token: writSigned(claims, a),
      keys: [b],
      expected: fail('ARTIFACT_KEY_UNKNOWN'),
    },
    {
      name: 'kid-path-traversal_fail',
      why: 'a kid that reads as a path to a key file; a kid is only ever looked up in the trusted set.',
      token: withHeader({ ...pinnedHeader(`../keys/${a.kid}.private.jwk.json`) }, claims, a.privateKey),
      expected: fail('ARTIFACT_KEY_UNKNOWN'),
    },
    {
      name: 'kid-proto_fail',
      why: 'kid "__proto__": a lookup through a plain object would find something; the trusted set must not.',
      token: withHeader(pinnedHeader('__proto__'), claims, a.privateKey),
      expected: fail('ARTIFACT_KEY_UNKNOWN'),
    },
    {
      name: 'kid-case-changed_fail',
      why: 'the trusted kid with its case changed: kids are compared exactly.',
      token: withHeader(pinnedHeader(swapCase(a.kid)), claims, a.privateKey),
      expected: fail('ARTIFACT_KEY_UNKNOWN'),
    },
    { name: 'kid-empty_fail', why: 'kid is the empty string.', token: withHeader(pinnedHeader(''), claims, a.privateKey), expected: fail('ARTIFACT_MALFORMED') },
    { name: 'kid-missing_fail', why: 'the header has no kid: the key is never chosen by default.', token: withHeader({ alg: 'EdDSA', typ: ARTIFACT_TYP }, claims, a.privateKey), expected: fail('ARTIFACT_MALFORMED') },
    { name: 'kid-not-string_fail', why: 'kid is a number.', token: withHeader({ alg: 'EdDSA', typ: ARTIFACT_TYP, kid: 1 }, claims, a.privateKey), expected: fail('ARTIFACT_MALFORMED') },
    { name: 'kid-too-long_fail', why: 'kid is 129 characters, over the 128 the header allows.', token: withHeader(pinnedHeader('k'.repeat(129)), claims, a.privateKey), expected: fail('ARTIFACT_MALFORMED') },
  ];
}

function swapCase(text: string): string {
  return [...text].map((char) => (char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase())).join('');
}

/** Header members other than alg, typ and kid. */
export function headerCases(keys: KeyMaterial): CaseSpec[] {
  const { a, foreign } = keys;
  const claims = baseClaims();
  const member = (name: string, why: string, extra: Record<string, Json>, key: KeyObject = a.privateKey, detail?: string): CaseSpec => ({
    name,
    why,
    ...(detail === undefined ? {} : { detail }),
    token: withHeader({ ...pinnedHeader(a.kid), ...extra }, claims, key),
    expected: fail('ARTIFACT_MALFORMED'),
  });
  return [
    member(
      'jwk-embedded_fail',
      'the header embeds a public key (`jwk`) and is signed by that key\'s private half, under the trusted kid.',
      { jwk: foreign.publicJwk },
      foreign.privateKey,
      'A verifier that took the key from the header would verify the attacker\'s own signature.',
    ),
    member('jku-header_fail', 'the header points at a key set URL (`jku`).', { jku: 'https://keys.attacker.invalid/jwks.json' }, foreign.privateKey),
    member('x5c-header_fail', 'the header carries a certificate chain (`x5c`).', { x5c: ['MIIBszCCAVmgAwIBAgIUQ'] }, foreign.privateKey),
    member('x5u-header_fail', 'the header points at a certificate URL (`x5u`).', { x5u: 'https://keys.attacker.invalid/chain.pem' }, foreign.privateKey),
    member('crit-unknown_fail', 'the header marks an extension Writ does not know as critical (`crit`).', { crit: ['writ-ext'], 'writ-ext': true }),
    member('crit-empty_fail', 'the header has an empty `crit` list, which RFC 7515 forbids.', { crit: [] }),
    member('b64-false_fail', 'the header asks for an unencoded payload (`b64: false`, RFC 7797) and marks it critical.', { b64: false, crit: ['b64'] }),
    member('cty-header_fail', 'the header declares nested content (`cty: "JWT"`).', { cty: 'JWT' }),
    member('zip-header_fail', 'the header asks for a compressed payload (`zip`).', { zip: 'DEF' }),
    {
      name: 'header-duplicate-member_fail',
      why: 'the header names alg twice ("none", then "EdDSA"), genuinely signed: two parsers can read two different algorithms.',
      detail: 'RFC 7515 section 5.2 allows either refusing duplicate members or taking the last; Writ parses signed documents strictly (CANONICAL_DUPLICATE_KEY elsewhere), so the pinned header must be exactly one of each member.',
      token: ed25519Signed(`{"alg":"none","typ":"${ARTIFACT_TYP}","kid":"${a.kid}","alg":"EdDSA"}`, JSON.stringify(claims), a.privateKey),
      expected: fail('ARTIFACT_MALFORMED'),
    },
  ];
}

/** The pinned typ, missing or wrong. */
export function typCases(keys: KeyMaterial): CaseSpec[] {
  const { a } = keys;
  const claims = baseClaims();
  const typ = (name: string, why: string, header: Record<string, Json>, code: WritErrorCode = 'ARTIFACT_TYP_INVALID'): CaseSpec => ({
    name,
    why,
    token: withHeader(header, claims, a.privateKey),
    expected: fail(code),
  });
  return [
    typ('typ-missing_fail', 'the header has no typ: an artifact says what it is.', { alg: 'EdDSA', kid: a.kid }),
    typ('typ-jwt_fail', 'typ "JWT": a generic token signed by the same key is not an authorization artifact.', { alg: 'EdDSA', typ: 'JWT', kid: a.kid }),
    typ('typ-receipt_fail', `typ "${RECEIPT_TYP}": a receipt, signed by the same key, presented as an artifact.`, { alg: 'EdDSA', typ: RECEIPT_TYP, kid: a.kid }),
    typ('typ-wrong-case_fail', 'typ in upper case: the pinned value is compared exactly.', { alg: 'EdDSA', typ: ARTIFACT_TYP.toUpperCase(), kid: a.kid }),
    typ('typ-application-prefix_fail', 'typ with the "application/" prefix RFC 7515 lets senders omit: Writ pins the short form only.', { alg: 'EdDSA', typ: `application/${ARTIFACT_TYP}`, kid: a.kid }),
    typ('typ-not-string_fail', 'typ is a number.', { alg: 'EdDSA', typ: 1, kid: a.kid }, 'ARTIFACT_MALFORMED'),
  ];
}

