import { canonicalDigest, canonicalDigestOfJsonText, sha256Digest } from '../../../core/canonical/digest';
import { WritError, type WritErrorCode } from '../../../core/errors/writError';

function codeOf(action: () => unknown): WritErrorCode | 'NO_ERROR' | 'NOT_A_WRIT_ERROR' {
  try {
    action();
    return 'NO_ERROR';
  } catch (error) {
    return error instanceof WritError ? error.code : 'NOT_A_WRIT_ERROR';
  }
}

describe('sha256Digest', () => {
  describe('when given text or bytes', () => {
    it('matches the FIPS 180-2 "abc" vector, prefixed with the algorithm', () => {
      expect(sha256Digest('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    });

    it('hashes the empty input', () => {
      expect(sha256Digest('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    });

    it('hashes a string as its UTF-8 bytes', () => {
      expect(sha256Digest('é€😀')).toBe(sha256Digest(new TextEncoder().encode('é€😀')));
    });
  });
});

describe('canonicalDigest', () => {
  describe('when two values are equal JSON data', () => {
    it('gives the same digest whatever the key order', () => {
      expect(canonicalDigest({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(canonicalDigest({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    });
  });

  describe('when two values differ', () => {
    it.each<[unknown, unknown]>([
      [1, '1'],
      [1, 1.5],
      [[1, 2], [2, 1]],
      [{ a: null }, {}],
      [true, 'true'],
    ])('gives different digests for %j and %j', (left, right) => {
      expect(canonicalDigest(left)).not.toBe(canonicalDigest(right));
    });
  });

  describe('when the value is not JSON data', () => {
    it('refuses it with the canonicalJson code', () => {
      expect(codeOf(() => canonicalDigest({ at: new Date(0) }))).toBe('CANONICAL_NON_JSON_VALUE');
      expect(codeOf(() => canonicalDigest('\ud800'))).toBe('CANONICAL_LONE_SURROGATE');
    });
  });
});

describe('canonicalDigestOfJsonText', () => {
  describe('when texts spell the same data differently', () => {
    it.each(['1', '1.0', '1e0', '10e-1', '0.1e1', '100E-2', '1.000'])('gives %s the digest of 1', (spelling) => {
      expect(canonicalDigestOfJsonText(spelling)).toBe(canonicalDigest(1));
    });

    it('ignores key order, whitespace, number spelling and escape spelling', () => {
      const compact = '{"amount":1,"currency":"€","tags":["a","é"]}';
      const loose = '{ "tags" : [ "\\u0061", "\\u00e9" ],\n  "currency": "\\u20ac", "amount": 10e-1 }';
      expect(canonicalDigestOfJsonText(loose)).toBe(canonicalDigestOfJsonText(compact));
      expect(canonicalDigestOfJsonText(compact)).toBe(canonicalDigest({ amount: 1, currency: '€', tags: ['a', 'é'] }));
    });

    it('digests -0 like 0', () => {
      expect(canonicalDigestOfJsonText('[-0, -0.0]')).toBe(canonicalDigestOfJsonText('[0,0]'));
    });
  });

  describe('when the text is not acceptable', () => {
    it.each<[string, WritErrorCode]>([
      ['{"amount":1,"amount":1000}', 'CANONICAL_DUPLICATE_KEY'],
      ['"\\ud800"', 'CANONICAL_LONE_SURROGATE'],
      ['{"a":1,}', 'CANONICAL_INVALID_JSON'],
      ['1e999', 'CANONICAL_INVALID_JSON'],
    ])('refuses %s with %s', (text, code) => {
      expect(codeOf(() => canonicalDigestOfJsonText(text))).toBe(code);
    });
  });
});
