import fc from 'fast-check';
import { canonicalJson } from '../../canonical/canonicalJson';
import { canonicalDigest, canonicalDigestOfJsonText } from '../../canonical/digest';
import { isWellFormedUtf16 } from '../../canonical/isWellFormedUtf16';
import { parseStrictJson } from '../../canonical/parseStrictJson';
import { WritError, type WritErrorCode } from '../../errors/writError';
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
// canonicalJson promises that a throwing getter or proxy trap becomes a coded error, and
// readProperty keeps that promise for property reads, but Array.isArray, Reflect.ownKeys
// and Object.getPrototypeOf on a proxy (canonical/canonicalJson.ts, snapshotContainer,
// snapshotArray and snapshotObject) still throw raw. Values reaching canonicalJson in Writ
// come from payload decoding, which never makes proxies, so this is a gap in the
// contract rather than a way in. it.failing: fixing it makes these fail until they are
// turned into ordinary tests.
describe('canonicalJson on proxies whose traps throw (known gap)', () => {
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  it.failing.each<[string, () => unknown]>([
    ['a revoked proxy', revoked],
    ['a proxy whose ownKeys trap throws', () => new Proxy({}, { ownKeys: () => { throw new Error('trap'); } })],
    ['a proxy whose getPrototypeOf trap throws', () => new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } })],
  ])('refuses %s with CANONICAL_NON_JSON_VALUE', (_kind, value) => {
    expect(outcomeOf(() => canonicalJson(value()))).toMatchObject({ ok: false, code: 'CANONICAL_NON_JSON_VALUE' });
  });
});
