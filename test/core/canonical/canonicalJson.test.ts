import vm from 'node:vm';
import { canonicalJson } from '../../../core/canonical/canonicalJson';
import { MAX_JSON_DEPTH } from '../../../core/canonical/jsonLimits';
import { WritError, type WritErrorCode } from '../../../core/errors/writError';

/** Runs `action`, which must throw a WritError, and returns that error for assertions. */
function writErrorFrom(action: () => unknown): WritError {
  try {
    action();
  } catch (error) {
    if (error instanceof WritError) return error;
    throw new Error(`expected a WritError, got ${String(error)}`);
  }
  throw new Error('expected a WritError, nothing was thrown');
}

function expectRefused(value: unknown, code: WritErrorCode, path: string): void {
  const error = writErrorFrom(() => canonicalJson(value));
  expect(error.code).toBe(code);
  expect(error.issues.map((issue) => issue.path)).toEqual([path]);
}

function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
}

describe('canonicalJson', () => {
  describe('when the value is pure JSON data', () => {
    it('sorts keys at every depth and keeps array order', () => {
      expect(canonicalJson({ b: [3, 1, { z: 1, a: 2 }], a: { d: null, c: true } })).toBe(
        '{"a":{"c":true,"d":null},"b":[3,1,{"a":2,"z":1}]}',
      );
    });

    it('sorts by UTF-16 code units, not code points', () => {
      // U+1F600 is stored as 0xD83D 0xDE00, which sorts before U+FB33 by code unit.
      expect(canonicalJson({ '\ufb33': 1, '\u{1F600}': 2 })).toBe('{"\u{1F600}":2,"\ufb33":1}');
    });

    it('writes numbers in their shortest ECMAScript form and -0 as 0', () => {
      expect(canonicalJson([1.0, 1e21, 1e-7, 0.1, -0, 100])).toBe('[1,1e+21,1e-7,0.1,0,100]');
    });

    it('escapes only what JSON requires', () => {
      expect(canonicalJson('\u0000\u001f"\\/é€\u2028')).toBe('"\\u0000\\u001f\\"\\\\/é€\u2028"');
    });

    it('accepts null-prototype objects and objects from another realm', () => {
      const bare = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
      expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
      const foreign: unknown = vm.runInNewContext('({ list: [1, { x: "y" }] })');
      expect(canonicalJson(foreign)).toBe('{"list":[1,{"x":"y"}]}');
    });

    it('accepts the same object reached twice without a cycle', () => {
      const shared = { n: 1 };
      expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"n":1},"b":[{"n":1}]}');
    });

    it('keeps an own "__proto__" key as an ordinary member', () => {
      const value = JSON.parse('{"z":1,"__proto__":{"polluted":true}}') as unknown;
      expect(canonicalJson(value)).toBe('{"__proto__":{"polluted":true},"z":1}');
    });

    it('accepts proper surrogate pairs', () => {
      expect(canonicalJson({ '\u{1F600}': '\u{1F600}' })).toBe('{"\u{1F600}":"\u{1F600}"}');
    });

    it(`accepts nesting up to ${MAX_JSON_DEPTH} levels`, () => {
      expect(canonicalJson(nested(MAX_JSON_DEPTH))).toMatch(/^\[+0\]+$/);
    });
  });

  describe('when the value is not JSON data', () => {
    class Money {
      constructor(readonly amount: number) {}
    }
    class List extends Array<number> {}
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const extraProperty = Object.assign([1, 2], { note: 'dropped by JSON' });
    const withSymbolKey = { a: 1, [Symbol('hidden')]: 2 };
    const withHiddenKey = Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false });
    const throwingGetter = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get(): never {
        throw new Error('getter ran');
      },
    });

    it.each<[string, unknown, string]>([
      ['undefined at the root', undefined, '$'],
      ['undefined as a property value', { a: undefined }, '$.a'],
      ['undefined as an array element', [1, undefined], '$[1]'],
      ['a function', { f: () => 1 }, '$.f'],
      ['a toJSON method', { toJSON: () => 'x' }, '$.toJSON'],
      ['a symbol', [Symbol('s')], '$[0]'],
      ['a bigint', { n: 10n }, '$.n'],
      ['NaN', { x: [NaN] }, '$.x[0]'],
      ['Infinity', Infinity, '$'],
      ['-Infinity', { x: -Infinity }, '$.x'],
      ['a Date', { when: new Date(0) }, '$.when'],
      ['a Map', new Map([['a', 1]]), '$'],
      ['a Set', { s: new Set([1]) }, '$.s'],
      ['a class instance', { price: new Money(5) }, '$.price'],
      ['a typed array', { bytes: new Uint8Array([1]) }, '$.bytes'],
      ['a Buffer', Buffer.from('x'), '$'],
      ['a RegExp', /x/, '$'],
      ['a boxed string', { s: new String('x') }, '$.s'],
      ['an array subclass', List.from([1]), '$'],
      ['a sparse array', sparse, '$'],
      ['an array with a named property', extraProperty, '$'],
      ['an object with a symbol key', withSymbolKey, '$'],
      ['an object with a non-enumerable property', withHiddenKey, '$'],
      ['a throwing getter', { a: throwingGetter }, '$.a.boom'],
      ['a key that needs quoting', { 'a b': undefined }, '$["a b"]'],
    ])('refuses %s with CANONICAL_NON_JSON_VALUE at its path', (_kind, value, path) => {
      expectRefused(value, 'CANONICAL_NON_JSON_VALUE', path);
    });

    it('refuses an object cycle at the point it closes', () => {
      const loop: Record<string, unknown> = { a: { b: [1] } };
      ((loop.a as Record<string, unknown>).b as unknown[]).push(loop);
      expectRefused(loop, 'CANONICAL_NON_JSON_VALUE', '$.a.b[1]');
    });

    it('refuses an array that contains itself', () => {
      const loop: unknown[] = [];
      loop.push(loop);
      expectRefused(loop, 'CANONICAL_NON_JSON_VALUE', '$[0]');
    });

    it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels`, () => {
      expect(writErrorFrom(() => canonicalJson(nested(MAX_JSON_DEPTH + 1))).code).toBe('CANONICAL_NON_JSON_VALUE');
    });
  });

  describe('when a string is not well-formed UTF-16', () => {
    it.each<[string, unknown, string]>([
      ['a lone high surrogate in a value', { a: 'x\ud800' }, '$.a'],
      ['a lone low surrogate in a value', ['ok', '\udc00y'], '$[1]'],
      ['a reversed pair', { a: { b: '\ude00\ud83d' } }, '$.a.b'],
      ['a lone surrogate at the root', '\ud83d', '$'],
      ['a lone surrogate in a key', { outer: { 'k\ud800': 1 } }, '$.outer["k\\ud800"]'],
    ])('refuses %s with CANONICAL_LONE_SURROGATE', (_kind, value, path) => {
      expectRefused(value, 'CANONICAL_LONE_SURROGATE', path);
    });
  });
});
