import { MAX_JSON_DEPTH } from '../../../core/canonical/jsonLimits';
import { parseStrictJson } from '../../../core/canonical/parseStrictJson';
import { WritError } from '../../../core/errors/writError';

function writErrorFrom(action: () => unknown): WritError {
  try {
    action();
  } catch (error) {
    if (error instanceof WritError) return error;
    throw new Error(`expected a WritError, got ${String(error)}`);
  }
  throw new Error('expected a WritError, nothing was thrown');
}

function throwsNative(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/** A small deterministic generator (mulberry32), so every run tests the same documents. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID_DOCUMENTS = [
  '0',
  '-0',
  '1',
  '-12.5e+3',
  '1E-2',
  '123456789012345678901234567890',
  '5e-324',
  '1e-400',
  '"plain"',
  '""',
  '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u20AC"',
  '"\\ud83d\\ude00 and \u{1F600}"',
  '"\u2028\u2029 are allowed raw"',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  ' \t\r\n[ 1 , [ ] , { } , "x" ] \n',
  '{"a":{"b":[1,{"c":null}]},"d":"e"}',
  '{"a":1,"A":2,"a ":3}',
  '{"":0}',
];

const INVALID_DOCUMENTS = [
  '',
  ' ',
  '01',
  '-',
  '+1',
  '1.',
  '.5',
  '1e',
  '1e+',
  '0x10',
  'NaN',
  'Infinity',
  '-Infinity',
  'tru',
  'nul',
  'True',
  'undefined',
  "'single'",
  '"unterminated',
  '"bad escape \\x41"',
  '"short \\u12"',
  '"bad hex \\u12G4"',
  '"raw control \u0001"',
  '"raw tab \t"',
  '"raw newline \n"',
  '[1,]',
  '[,1]',
  '[1 2]',
  '[1',
  '{"a":1,}',
  '{"a" 1}',
  '{a:1}',
  '{"a":1',
  '{,}',
  '{"a":1}}',
  '[1] [2]',
  '1 2',
  '// comment\n1',
  '/* c */ 1',
  '\ufeff1',
  '\u00a01',
  '[1]\u0000',
];

describe('parseStrictJson', () => {
  describe('when the text is valid JSON', () => {
    it.each(VALID_DOCUMENTS)('agrees with JSON.parse on %j', (text) => {
      expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    });

    it('gives a key "__proto__" as an own property without touching any prototype', () => {
      const value = parseStrictJson('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.keys(value)).toEqual(['__proto__', 'a']);
      expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
      expect((value as { polluted?: unknown }).polluted).toBeUndefined();
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });

    it('decodes a surrogate pair written as two escapes', () => {
      expect(parseStrictJson('"\\ud83d\\ude00"')).toBe('\u{1F600}');
    });

    it('parses -0 as a number that canonicalises to 0', () => {
      expect(Object.is(parseStrictJson('-0'), -0)).toBe(true);
    });

    it(`accepts nesting up to ${MAX_JSON_DEPTH} levels`, () => {
      const text = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
      expect(() => parseStrictJson(text)).not.toThrow();
    });

    it('agrees with JSON.parse on generated documents', () => {
      const random = seededRandom(8785);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const space = (): string => pick(['', ' ', '\n', '\t ', '\r\n']);
      const generate = (depth: number): string => {
        const kind = depth > 3 ? Math.floor(random() * 4) : Math.floor(random() * 6);
        switch (kind) {
          case 0:
            return pick(['0', '-1', '3.25', '1e3', '-2.5E-3', '42', '1E+2']);
          case 1:
            return pick(['"a"', '"\\u00e9"', '"x\\ny"', '""', '"\\ud83d\\ude00"', '"k"']);
          case 2:
            return pick(['true', 'false', 'null']);
          case 3:
            return pick(['[]', '{}']);
          case 4: {
            const items = Array.from({ length: Math.floor(random() * 4) }, () => space() + generate(depth + 1) + space());
            return `[${items.join(',')}]`;
          }
          default: {
            const count = Math.floor(random() * 4);
            const members = Array.from({ length: count }, (_unused, index) => `${space()}"m${index}"${space()}:${space()}${generate(depth + 1)}`);
            return `{${members.join(',')}}`;
          }
        }
      };
      for (let round = 0; round < 500; round += 1) {
        const text = space() + generate(0) + space();
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }
    });
  });

  describe('when the text is not valid JSON', () => {
    it.each(INVALID_DOCUMENTS)('refuses %j with CANONICAL_INVALID_JSON, as JSON.parse does', (text) => {
      // The table itself is checked: every entry must also be refused by JSON.parse.
      expect(throwsNative(text)).toBe(true);
      expect(writErrorFrom(() => parseStrictJson(text)).code).toBe('CANONICAL_INVALID_JSON');
    });

    it('refuses a number beyond the double range, which JSON.parse turns into Infinity', () => {
      expect(writErrorFrom(() => parseStrictJson('{"n":[1e400]}')).code).toBe('CANONICAL_INVALID_JSON');
      expect(writErrorFrom(() => parseStrictJson('-1e309')).code).toBe('CANONICAL_INVALID_JSON');
    });

    it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels`, () => {
      const depth = MAX_JSON_DEPTH + 1;
      expect(writErrorFrom(() => parseStrictJson('['.repeat(depth) + ']'.repeat(depth))).code).toBe('CANONICAL_INVALID_JSON');
      const objects = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      expect(writErrorFrom(() => parseStrictJson(objects)).code).toBe('CANONICAL_INVALID_JSON');
    });

    it('refuses text nested deep enough to exhaust the stack of JSON.parse with CANONICAL_INVALID_JSON', () => {
      const depth = 200_000;
      expect(writErrorFrom(() => parseStrictJson('['.repeat(depth) + ']'.repeat(depth))).code).toBe('CANONICAL_INVALID_JSON');
    });

    it('refuses a value that is not a string', () => {
      expect(writErrorFrom(() => parseStrictJson(42 as unknown as string)).code).toBe('CANONICAL_INVALID_JSON');
    });

    it('refuses exactly what JSON.parse refuses among mutated documents', () => {
      const random = seededRandom(7159);
      const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', '0', '1', '-', '.', 'e', ' ', 't', 'n', 'a', 'u'];
      const seed = '{"a":[1,-2.5e3,true,null,"x\\"y"],"b":{"c":"d"}}';
      for (let round = 0; round < 2000; round += 1) {
        const at = Math.floor(random() * seed.length);
        const mutated =
          random() < 0.5
            ? seed.slice(0, at) + seed.slice(at + 1)
            : seed.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)] + seed.slice(at);
        let nativeValue: unknown;
        let nativeThrew = false;
        try {
          nativeValue = JSON.parse(mutated);
        } catch {
          nativeThrew = true;
        }
        let strictValue: unknown;
        let strictCode: string | undefined;
        try {
          strictValue = parseStrictJson(mutated);
        } catch (error) {
          strictCode = error instanceof WritError ? error.code : 'NOT_A_WRIT_ERROR';
        }
        if (nativeThrew) {
          expect({ mutated, strictCode }).toEqual({ mutated, strictCode: 'CANONICAL_INVALID_JSON' });
        } else if (strictCode === undefined) {
          expect(strictValue).toEqual(nativeValue);
        } else {
          // The only documents JSON.parse takes and Writ refuses repeat a key.
          expect({ mutated, strictCode }).toEqual({ mutated, strictCode: 'CANONICAL_DUPLICATE_KEY' });
        }
      }
    });
  });

  describe('when the text is exactly what JSON.stringify writes', () => {
    const doc = { a: [1, -2.5e3, true, null, 'x"y\u00e9\ud83d\ude00'], b: { c: 'd', n: 1e21, f: 0.1 }, e: [] };

    it('reads the same value as the same document written with spaces', () => {
      expect(parseStrictJson(JSON.stringify(doc))).toEqual(parseStrictJson(JSON.stringify(doc, null, 2)));
      expect(parseStrictJson(JSON.stringify(doc), { exactNumbers: true })).toEqual(doc);
    });

    it('keeps a "__proto__" member an own property, never the prototype', () => {
      const value = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.keys(value)).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  });

  describe('when an object repeats a key', () => {
    it.each<[string, string]>([
      ['{"a":1,"a":2}', '$.a'],
      ['{"a":1,"b":2,"a":1}', '$.a'],
      ['{"outer":{"list":[{"k":1,"k":1}]}}', '$.outer.list[0].k'],
      ['{"a":1,"\\u0061":2}', '$.a'],
      ['{"__proto__":1,"__proto__":2}', '$.__proto__'],
      ['{"a b":1,"a b":2}', '$["a b"]'],
    ])('refuses %s with CANONICAL_DUPLICATE_KEY at %s', (text, path) => {
      const error = writErrorFrom(() => parseStrictJson(text));
      expect(error.code).toBe('CANONICAL_DUPLICATE_KEY');
      expect(error.issues.map((issue) => issue.path)).toEqual([path]);
    });

    it('allows the same key in different objects', () => {
      expect(parseStrictJson('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
    });
  });

  describe('when a string is not well-formed UTF-16', () => {
    it.each<[string, string, string]>([
      ['an escaped lone high surrogate', '{"a":"\\ud800"}', '$.a'],
      ['an escaped lone low surrogate', '["\\udc00"]', '$[0]'],
      ['a reversed escaped pair', '"\\ude00\\ud83d"', '$'],
      ['a high surrogate followed by a non-surrogate escape', '"\\ud83d\\u0041"', '$'],
      ['a literal lone surrogate', '{"a":["x\ud800"]}', '$.a[0]'],
      ['a lone surrogate in a key', '{"k\\udfff":1}', '$["k\\udfff"]'],
    ])('refuses %s with CANONICAL_LONE_SURROGATE', (_kind, text, path) => {
      const error = writErrorFrom(() => parseStrictJson(text));
      expect(error.code).toBe('CANONICAL_LONE_SURROGATE');
      expect(error.issues.map((issue) => issue.path)).toEqual([path]);
    });
  });
});
