/** RFC 8785 canonical JSON, strict JSON parsing and the digests built on them. */
export { canonicalJson } from './canonicalJson';
export type { JsonValue } from './canonicalJson';
export { parseStrictJson } from './parseStrictJson';
export { sha256Digest, canonicalDigest, canonicalDigestOfJsonText, SHA256_DIGEST_PREFIX } from './digest';
export { isWellFormedUtf16 } from './isWellFormedUtf16';
export { MAX_JSON_DEPTH } from './jsonLimits';
export { childJsonPath, jsonPathOf, ROOT_JSON_PATH } from './jsonPath';
