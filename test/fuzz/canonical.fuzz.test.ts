import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from '../../core/canonical/canonicalJson';
import { canonicalDigest, canonicalDigestOfJsonText } from '../../core/canonical/digest';
import { isWellFormedUtf16 } from '../../core/canonical/isWellFormedUtf16';
import { jsonPathOf } from '../../core/canonical/jsonPath';
import { parseStrictJson } from '../../core/canonical/parseStrictJson';
import { WritError, type WritErrorCode } from '../../core/errors/writError';
import { fuzzParameters } from './fuzzParameters';

// Properties of the canonical JSON layer every digest rests on (argument digests, policy
// digests, approval request digests): one meaning, one text, one digest; and no input,
// however hostile, escapes the CANONICAL_* codes as a raw error.

const CANONICAL_CODES: ReadonlySet<WritErrorCode> = new Set(['CANONICAL_INVALID_JSON', 'CANONICAL_DUPLICATE_KEY', 'CANONICAL_LONE_SURROGATE', 'CANONICAL_NON_JSON_VALUE']);

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** JSON values with strings of any code points (well-formed). */
const jsonValue = fc.jsonValue({ stringUnit: 'binary', maxDepth: 6 });
/** JSON values whose strings may hold lone surrogates. */
const jsonValueAnyUnits = fc.jsonValue({ stringUnit: codeUnit, maxDepth: 4 });

/** Finite numbers of every kind, with the edges of ECMAScript's shortest form called out. */
const anyFiniteNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 1e-6, 1e20, 123e-20, 2 ** 53, 2 ** 53 + 2, 0.1 + 0.2, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 1e300, 1e-300),
  fc
    .tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: -330, max: 310 }))
    .map(([mantissa, exponent]) => Number(`${mantissa}e${exponent}`))
    .filter(Number.isFinite),
);

/** Keys of any code points, with those objects or sorting treat specially. */
const anyKey = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ maxLength: 4 }),
  fc.constantFrom('__proto__', 'toJSON', 'constructor', 'length', '', 'a b', '"\\', 'a\u0000b', '\u2028', '\u007f', '\ufb33', '\uffff', '\u{1F600}', '\u{10000}'),
);

const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-composite' }), fc.string(), fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u2028', 'é', '\u{1F600}', 'a') }));

/** An object with these members in this order (`__proto__` as an own member), plain or null-prototype. */
function objectOf(entries: ReadonlyArray<readonly [string, unknown]>, bare: boolean): object {
  const object: object = bare ? (Object.create(null) as object) : {};
  for (const [key, member] of entries) Object.defineProperty(object, key, { value: member, enumerable: true, configurable: true, writable: true });
  return object;
}

/** Trees of arrays and objects (narrow and wide, for both ways of sorting keys) over `leaf` and `key`. */
function treeOf(leaf: fc.Arbitrary<unknown>, key: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.letrec<{ tree: unknown; array: unknown[]; object: object }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', maxDepth: 6 }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('tree'), { maxLength: 6 }),
    object: fc
      .tuple(fc.uniqueArray(fc.tuple(key, tie('tree')), { selector: ([name]) => name, maxLength: 6 }), fc.uniqueArray(fc.tuple(key, leaf), { selector: ([name]) => name, minLength: 17, maxLength: 40 }), fc.nat(4), fc.boolean())
      .map(([entries, wide, shape, bare]) => objectOf(shape === 0 ? wide : entries, bare)),
  })).tree;
}

/** JSON data with strings and keys of any code points and numbers of every kind. */
const jsonTree = treeOf(fc.oneof(fc.constant(null), fc.boolean(), anyFiniteNumber, anyString), anyKey);

/** Leaves that are not JSON data: every kind `canonicalJson` refuses. */
const refusedLeaf = fc.constantFrom<unknown>(undefined, NaN, Infinity, -Infinity, () => 1, 10n, Symbol('s'), '\ud800', 'x\udc00y', '\ude00\ud83d', new Date(0), new Map(), [1, , 3]); // eslint-disable-line no-sparse-arrays

/** JSON data with, here and there, a refused leaf or a key with a lone surrogate. */
const faultyTree = treeOf(
  fc.oneof({ weight: 6, arbitrary: fc.oneof(fc.constant(null), fc.boolean(), anyFiniteNumber, fc.string({ maxLength: 4 })) }, { weight: 1, arbitrary: refusedLeaf }),
  fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 3 }) }, { weight: 1, arbitrary: fc.constantFrom('k\ud800', '\udfff') }),
);

/**
 * The refusal a walk in the value's own order meets first (array index order, each object's
 * members in `Object.keys` order, a key before its value): the one `canonicalJson` reports,
 * whatever order the keys sort in. Covers the faults `faultyTree` makes.
 */
function firstRefusal(value: unknown, steps: Array<string | number>): { code: WritErrorCode; path: string } | undefined {
  const refused = (code: WritErrorCode): { code: WritErrorCode; path: string } => ({ code, path: jsonPathOf(steps) });
  if (typeof value === 'string') return isWellFormedUtf16(value) ? undefined : refused('CANONICAL_LONE_SURROGATE');
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : refused('CANONICAL_NON_JSON_VALUE');
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value !== 'object') return refused('CANONICAL_NON_JSON_VALUE');
  if (Array.isArray(value)) {
    if (Object.keys(value).length !== value.length) return refused('CANONICAL_NON_JSON_VALUE');
    for (let index = 0; index < value.length; index += 1) {
      const refusal = firstRefusal(value[index], [...steps, index]);
      if (refusal !== undefined) return refusal;
    }
    return undefined;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return refused('CANONICAL_NON_JSON_VALUE');
  for (const key of Object.keys(value)) {
    if (!isWellFormedUtf16(key)) return { code: 'CANONICAL_LONE_SURROGATE', path: jsonPathOf([...steps, key]) };
    const refusal = firstRefusal((value as Record<string, unknown>)[key], [...steps, key]);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/** The same value with the members of every object in another order, chosen by `seed`. */
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item, index) => reordered(item, seed + index));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const rotation = entries.length === 0 ? 0 : seed % entries.length;
  const order = [...entries.slice(rotation), ...entries.slice(0, rotation)];
  if (seed % 2 === 1) order.reverse();
  const copy: Record<string, unknown> = {};
  for (const [key, member] of order) Object.defineProperty(copy, key, { value: reordered(member, seed * 31 + 7), enumerable: true, configurable: true, writable: true });
  return copy;
}

/**
 * RFC 8785 spelled out independently: members sorted by UTF-16 code units (the default
 * sort), no whitespace, numbers and strings serialised as ECMAScript's JSON.stringify does.
 */
function referenceJcs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(referenceJcs).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${referenceJcs(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function everyStringWellFormed(value: unknown): boolean {
  if (typeof value === 'string') return isWellFormedUtf16(value);
  if (Array.isArray(value)) return value.every(everyStringWellFormed);
  if (typeof value === 'object' && value !== null) return Object.entries(value).every(([key, member]) => isWellFormedUtf16(key) && everyStringWellFormed(member));
  return true;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: WritErrorCode; readonly message: string };

/** Runs `action`; a throw that is not a WritError with a CANONICAL_* code fails the property. */
function outcomeOf(action: () => unknown): Outcome {
  try {
    return { ok: true, value: action() };
  } catch (error) {
    if (!(error instanceof WritError)) throw new Error(`raw ${String(error)} escaped the canonical layer`, { cause: error });
    if (!CANONICAL_CODES.has(error.code)) throw new Error(`${error.code} is not a CANONICAL_* code`);
    return { ok: false, code: error.code, message: error.message };
  }
}

/** Near-miss JSON text: valid JSON with a few characters replaced, dropped or inserted. */
const jsonSyntax = fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', 'u', 'e', '-', '.', '0', '9', ' ', '\t', '\n', '\u0000', '\ud800', '\udc00', '\ufeff', 'n', 't', '/', '*');
const nearMissJson = fc
  .tuple(fc.json({ maxDepth: 4 }), fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('replace', 'delete', 'insert'), char: jsonSyntax }), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => {
    let result = text;
    for (const { at, kind, char } of edits) {
      const index = result.length === 0 ? 0 : at % (result.length + 1);
      if (kind === 'replace') result = `${result.slice(0, index)}${char}${result.slice(index + 1)}`;
      else if (kind === 'delete') result = `${result.slice(0, index)}${result.slice(index + 1)}`;
      else result = `${result.slice(0, index)}${char}${result.slice(index)}`;
    }
    return result;
  });

/** Objects with a member spelled twice, possibly through escapes. */
const duplicateKeys = fc
  .tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.json({ maxDepth: 1 }), fc.json({ maxDepth: 1 }), fc.boolean())
  .map(([key, first, second, escaped]) => {
    const spelled = escaped ? `"${[...key].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(key);
    return `{${JSON.stringify(key)}:${first},${spelled}:${second}}`;
  });

const numberLike = fc.stringMatching(/^-?[0-9]{0,400}(\.[0-9]{0,30})?([eE][+-]?[0-9]{0,5})?$/);
const deepNesting = fc.tuple(fc.integer({ min: 200, max: 5000 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);

describe('canonical JSON under fuzzing', () => {
  it('canonicalJson is deterministic, independent of member order, and matches RFC 8785 spelled out', () => {
    fc.assert(
      fc.property(jsonValue, fc.nat(), (value, seed) => {
        const text = canonicalJson(value);
        expect(canonicalJson(value)).toBe(text);
        expect(canonicalJson(reordered(value, seed))).toBe(text);
        expect(text).toBe(referenceJcs(value));
        // Idempotent: the canonical text of the canonical text's value is itself.
        expect(canonicalJson(parseStrictJson(text))).toBe(text);
      }),
      fuzzParameters(1000),
    );
  });

  it('canonicalJson writes exactly what the canonicalize library (RFC 8785 / JCS) writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.oneof(jsonTree, jsonValue, fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 4 })), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      fuzzParameters(2000),
    );
  });

  it('canonicalJson reports the first refusal in the value\'s own member order, not in sorted key order', () => {
    fc.assert(
      fc.property(faultyTree, (value) => {
        const expected = firstRefusal(value, []);
        let outcome: { code: WritErrorCode; path: string } | { text: string };
        try {
          outcome = { text: canonicalJson(value) };
        } catch (error) {
          if (!(error instanceof WritError)) throw error;
          outcome = { code: error.code, path: error.issues.map((issue) => issue.path).join(' | ') };
        }
        expect(outcome).toEqual(expected ?? { text: canonicalize(value) });
      }),
      fuzzParameters(2000),
    );
  });

  it('parseStrictJson reads JSON.stringify output of duplicate-free values exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom<undefined | number | string>(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
      fuzzParameters(1000),
    );
  });

  it('refuses lone surrogates with CANONICAL_LONE_SURROGATE, in parsing and in canonicalising, and nothing else', () => {
    fc.assert(
      fc.property(jsonValueAnyUnits, (value) => {
        const wellFormed = everyStringWellFormed(value);
        const parsed = outcomeOf(() => parseStrictJson(JSON.stringify(value)));
        const canonical = outcomeOf(() => canonicalJson(value));
        if (wellFormed) {
          expect(parsed).toEqual({ ok: true, value: JSON.parse(JSON.stringify(value)) });
          expect(canonical.ok).toBe(true);
        } else {
          expect(parsed).toMatchObject({ ok: false, code: 'CANONICAL_LONE_SURROGATE' });
          expect(canonical).toMatchObject({ ok: false, code: 'CANONICAL_LONE_SURROGATE' });
        }
      }),
      fuzzParameters(500),
    );
  });

  it('never crashes on arbitrary text, and agrees with JSON.parse on everything but its stated refusals', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: codeUnit }), nearMissJson, duplicateKeys, numberLike, deepNesting, fc.json());
    fc.assert(
      fc.property(text, (input) => {
        const strict = outcomeOf(() => parseStrictJson(input));
        let reference: { ok: true; value: unknown } | { ok: false };
        try {
          reference = { ok: true, value: JSON.parse(input) };
        } catch {
          reference = { ok: false };
        }
        if (strict.ok) {
          // Whatever the strict parser accepts, JSON.parse reads the same way.
          expect(reference).toEqual({ ok: true, value: strict.value });
        } else if (reference.ok) {
          // JSON that JSON.parse takes is refused only for what the strict parser states.
          const stated =
            strict.code === 'CANONICAL_DUPLICATE_KEY' ||
            strict.code === 'CANONICAL_LONE_SURROGATE' ||
            (strict.code === 'CANONICAL_INVALID_JSON' && /nested deeper than|IEEE 754 double range/.test(strict.message));
          expect({ code: strict.code, message: strict.message, stated }).toMatchObject({ stated: true });
        }
      }),
      fuzzParameters(1000),
    );
  });

  it('digests a value, its re-serialisations and its reordering to one digest', () => {
    fc.assert(
      fc.property(jsonValue, fc.nat(), (value, seed) => {
        const digest = canonicalDigest(value);
        expect(canonicalDigest(parseStrictJson(JSON.stringify(value)))).toBe(digest);
        expect(canonicalDigestOfJsonText(JSON.stringify(value, null, 2))).toBe(digest);
        expect(canonicalDigestOfJsonText(canonicalJson(value))).toBe(digest);
        expect(canonicalDigest(reordered(value, seed))).toBe(digest);
      }),
      fuzzParameters(500),
    );
  });

  it('never crashes on values that are not JSON data: it serialises JSON data or refuses with a CANONICAL_* code', () => {
    const anything = fc.anything({
      withMap: true,
      withSet: true,
      withDate: true,
      withTypedArray: true,
      withBigInt: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withSparseArray: true,
      withObjectString: true,
      withUnicodeString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        const outcome = outcomeOf(() => canonicalJson(value));
        // Whatever it serialises is JSON text that parses strictly back to the same canonical text.
        if (outcome.ok) expect(canonicalJson(parseStrictJson(outcome.value as string))).toBe(outcome.value);
      }),
      fuzzParameters(1000),
    );
  });
});

// Found by fuzzing with hand-made hostile containers (fast-check's anything() makes none):
// a proxy trap that throws where the walk inspects a container (Array.isArray on a revoked
// proxy, ownKeys, getPrototypeOf) once escaped as a raw error; like a throwing getter it
// must be a coded refusal. Values reaching canonicalJson in Writ come from payload decoding,
// which never makes proxies, but the contract holds for every caller.
describe('canonicalJson on proxies whose traps throw', () => {
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  it.each<[string, () => unknown]>([
    ['a revoked proxy', revoked],
    ['a proxy whose ownKeys trap throws', () => new Proxy({}, { ownKeys: () => { throw new Error('trap'); } })],
    ['a proxy whose getPrototypeOf trap throws', () => new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } })],
    ['a proxy whose ownKeys trap throws, nested', () => ({ a: [1, new Proxy({}, { ownKeys: () => { throw new Error('trap'); } })] })],
  ])('refuses %s with CANONICAL_NON_JSON_VALUE', (_kind, value) => {
    expect(outcomeOf(() => canonicalJson(value()))).toMatchObject({ ok: false, code: 'CANONICAL_NON_JSON_VALUE' });
  });

  it('names where the throwing container is', () => {
    const error = (() => {
      try {
        canonicalJson({ a: [1, new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } })] });
      } catch (caught) {
        return caught as { issues: { path: string; message: string }[] };
      }
      return undefined;
    })();
    expect(error?.issues).toEqual([{ path: '$.a[1]', message: 'inspecting the value threw' }]);
  });
});
