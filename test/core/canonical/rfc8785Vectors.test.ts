import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../../../core/canonical/canonicalJson';
import { canonicalDigestOfJsonText, sha256Digest } from '../../../core/canonical/digest';
import { parseStrictJson } from '../../../core/canonical/parseStrictJson';
import { WritError } from '../../../core/errors/writError';

const VECTORS = path.join(__dirname, 'vectors');

const NumberVectorsSchema = z.strictObject({
  source: z.string(),
  serializes: z.array(z.strictObject({ ieee754: z.string().regex(/^[0-9a-f]{16}$/), canonical: z.string(), comment: z.string().optional() })).min(1),
  refused_fail: z.array(z.strictObject({ ieee754: z.string().regex(/^[0-9a-f]{16}$/), comment: z.string(), code: z.literal('CANONICAL_NON_JSON_VALUE') })).min(1),
});

function doubleFromHex(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

const documentCases = fs
  .readdirSync(VECTORS)
  .filter((name) => name.endsWith('.input.json'))
  .sort()
  .map((name) => name.slice(0, -'.input.json'.length));

const numbers = NumberVectorsSchema.parse(JSON.parse(fs.readFileSync(path.join(VECTORS, 'rfc8785-numbers.json'), 'utf8')));

describe('RFC 8785 vectors', () => {
  it('finds the document vectors', () => {
    expect(documentCases).toEqual(['rfc8785-example', 'rfc8785-sorting']);
  });

  describe.each(documentCases)('when canonicalising %s', (name) => {
    const input = fs.readFileSync(path.join(VECTORS, `${name}.input.json`), 'utf8');
    const expected = fs.readFileSync(path.join(VECTORS, `${name}.expected.json`));

    it('produces exactly the expected bytes', () => {
      expect(Buffer.from(canonicalJson(parseStrictJson(input)), 'utf8').equals(expected)).toBe(true);
    });

    it('digests the expected bytes', () => {
      expect(canonicalDigestOfJsonText(input)).toBe(sha256Digest(new Uint8Array(expected)));
    });

    it('is a fixed point: the expected text canonicalises to itself', () => {
      expect(canonicalJson(parseStrictJson(expected.toString('utf8')))).toBe(expected.toString('utf8'));
    });
  });

  describe('when serialising the Appendix B numbers', () => {
    it.each(numbers.serializes)('writes $ieee754 as $canonical', ({ ieee754, canonical }) => {
      expect(canonicalJson(doubleFromHex(ieee754))).toBe(canonical);
    });

    it.each(numbers.serializes)('reads $canonical back to the same number', ({ ieee754, canonical }) => {
      const value = doubleFromHex(ieee754);
      // Minus zero is the one value whose canonical spelling does not round-trip its sign.
      expect(parseStrictJson(canonical)).toBe(Object.is(value, -0) ? 0 : value);
    });

    it.each(numbers.refused_fail)('refuses $comment ($ieee754) with $code', ({ ieee754, code }) => {
      let caught: unknown;
      try {
        canonicalJson(doubleFromHex(ieee754));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WritError);
      expect((caught as WritError).code).toBe(code);
    });
  });
});
