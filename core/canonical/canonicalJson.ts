import { WritError } from '../errors/writError';
import { isWellFormedUtf16 } from './isWellFormedUtf16';
import { MAX_JSON_DEPTH } from './jsonLimits';
import { jsonPathOf } from './jsonPath';

/** A value that is JSON data and nothing else: what `canonicalJson` accepts. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Serialises `value` as RFC 8785 (JCS) canonical JSON: object keys sorted by UTF-16 code
 * units, numbers in their ECMAScript shortest form (so `-0` becomes `0`), no whitespace.
 *
 * The value must be pure JSON data: plain objects (prototype `Object.prototype` of any realm,
 * or `null`), plain arrays, well-formed strings, finite numbers, booleans and `null`.
 * Anything `JSON.stringify` would silently drop, coerce or call (`undefined`, functions,
 * symbols, `toJSON`, Dates, Maps, class instances, typed arrays, holes) is refused with
 * `CANONICAL_NON_JSON_VALUE`, because a digest over silently altered data would authorise
 * something other than what the caller holds. Lone surrogates, in values or keys, are
 * refused with `CANONICAL_LONE_SURROGATE`. The error's issue names the path (`$.a[2].b`);
 * when a value has several problems, the one reported is the first in the value's own
 * order (array index order, and each object's member order as `Object.keys` lists it).
 *
 * One pass validates and writes: each property is read once, and the value read is the
 * value written, so a getter or proxy cannot show the validator one value and the
 * serialiser another. This runs on every governed step (argument digests at authorization
 * and at enforcement, result digests, policy-input digests), so the pass copies nothing and
 * builds no intermediate text per container: it appends to one string in a flat loop, which
 * V8 flattens once, in one linear pass, when the text is hashed. (Validating a private
 * snapshot and then serialising it with a JCS library cost a copy of the value, a second
 * walk and a string per container; appending measured faster than collecting the parts and
 * joining them, for small and 64 KiB values alike.) Strings and numbers are written as
 * `JSON.stringify` writes them, which for well-formed strings and finite numbers is RFC
 * 8785's own serialisation. Members are written in key order; on the error path the problem
 * reported is still the first in member order (see `firstProblemInMemberOrder`).
 */
export function canonicalJson(value: unknown): string {
  // Per call, not shared: a getter may itself call canonicalJson while the walk is under way.
  const walk: Walk = { text: '', steps: [], ancestors: [] };
  writeJsonData(value, walk);
  return walk.text;
}

/**
 * Where the walk is and what it has written. The path is kept as steps and only spelled out
 * for an error: building a path string for every member made canonicalisation several
 * times slower.
 */
interface Walk {
  /** The canonical text so far. */
  text: string;
  readonly steps: Array<string | number>;
  /**
   * Containers on the way from the root to here; only these make a cycle. A short array
   * (the depth is capped) searched by identity is cheaper than a Set for real nesting, and
   * truncates back to a known depth after a refused member (see `firstProblemInMemberOrder`).
   */
  readonly ancestors: object[];
}

/**
 * A code unit that `JSON.stringify` escapes (a control character, `"`, `\\`), or any
 * surrogate, paired or not. Strings without one, most strings and keys in practice, are
 * well-formed and quoted as they stand, which skips both the lone-surrogate scan and
 * `JSON.stringify`'s fixed cost per call.
 */
const NOT_PLAIN = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * The RFC 8785 form of a string: `JSON.stringify(text)`, which is RFC 8785's escaping for a
 * well-formed string. A lone surrogate (which `JSON.stringify` would escape, and RFC 8785
 * refuses) is refused with CANONICAL_LONE_SURROGATE at `steps`.
 */
function quoted(text: string, steps: readonly (string | number)[]): string {
  if (!NOT_PLAIN.test(text)) return `"${text}"`;
  if (!isWellFormedUtf16(text)) throw loneSurrogate(steps);
  return JSON.stringify(text);
}

function writeJsonData(value: unknown, walk: Walk): void {
  switch (typeof value) {
    case 'string':
      walk.text += quoted(value, walk.steps);
      return;
    case 'number':
      if (!Number.isFinite(value)) throw nonJson(walk.steps, `${String(value)} is not a JSON number`);
      // The ECMAScript shortest form, as JSON.stringify writes it; -0 is written as 0.
      walk.text += String(value);
      return;
    case 'boolean':
      walk.text += value ? 'true' : 'false';
      return;
    case 'object':
      if (value === null) walk.text += 'null';
      else writeContainer(value, walk);
      return;
    default:
      // undefined, function, symbol, bigint
      throw nonJson(walk.steps, `${typeof value} is not JSON data`);
  }
}

function writeContainer(value: object, walk: Walk): void {
  const ancestors = walk.ancestors;
  // Only ancestors count: the same object reached twice by different branches is a DAG,
  // which serialises fine, not a cycle.
  if (ancestors.includes(value)) throw nonJson(walk.steps, 'cycle: the value contains itself');
  if (ancestors.length >= MAX_JSON_DEPTH) throw nonJson(walk.steps, `nested deeper than ${MAX_JSON_DEPTH} levels`);
  ancestors.push(value);
  try {
    if (Array.isArray(value)) writeArray(value as unknown[], walk);
    else writeObject(value, walk);
  } catch (error) {
    // A proxy trap (getPrototypeOf, ownKeys, a revoked proxy's Array.isArray) throws its own
    // error; like a throwing getter it is a coded refusal, never a raw crash.
    if (error instanceof WritError) throw error;
    throw nonJson(walk.steps, 'inspecting the value threw', error);
  }
  // Not in a `finally`: after a throw the walk is abandoned, or restored to a known depth by
  // `firstProblemInMemberOrder`.
  ancestors.pop();
}

function writeArray(value: unknown[], walk: Walk): void {
  // Array.prototype is itself an array in every realm, while a subclass prototype is not.
  if (!Array.isArray(Object.getPrototypeOf(value))) throw nonJson(walk.steps, 'array subclass is not JSON data');
  // Own keys of a plain array are its indices plus `length`; anything more (a named or symbol
  // property) or less (a hole) would be dropped or invented by serialisation.
  const ownKeyCount = Reflect.ownKeys(value).length;
  const length = value.length;
  if (ownKeyCount !== length + 1) {
    throw nonJson(walk.steps, 'array has holes or extra properties');
  }
  if (length === 0) {
    walk.text += '[]';
    return;
  }
  const steps = walk.steps;
  for (let index = 0; index < length; index += 1) {
    walk.text += index === 0 ? '[' : ',';
    steps.push(index);
    writeJsonData(readProperty(value, index, walk), walk);
    steps.pop();
  }
  walk.text += ']';
}

function writeObject(value: object, walk: Walk): void {
  if (!isPlainPrototype(Object.getPrototypeOf(value))) {
    throw nonJson(walk.steps, `${describeKind(value)} is not a plain object`);
  }
  const keys = Object.keys(value);
  // Symbol-keyed and non-enumerable properties would vanish from the serialisation. (The
  // same test as `Reflect.ownKeys(value).length !== keys.length`, several times faster.)
  if (Object.getOwnPropertyNames(value).length !== keys.length || Object.getOwnPropertySymbols(value).length !== 0) {
    throw nonJson(walk.steps, 'object has symbol or non-enumerable properties');
  }
  const { steps, ancestors } = walk;
  const count = keys.length;
  if (count === 0) {
    walk.text += '{}';
    return;
  }
  // A copy, because `keys` keeps the member order for choosing which problem to report.
  const sorted = count === 1 ? keys : sortedKeys(keys);
  const stepsDepth = steps.length;
  const ancestorsDepth = ancestors.length;
  let index = 0;
  try {
    for (; index < count; index += 1) {
      writeMember(value, sorted[index] as string, index === 0 ? '{' : ',', walk);
      steps.pop();
    }
  } catch (problem) {
    throw firstProblemInMemberOrder(value, keys, sorted, index, problem, walk, stepsDepth, ancestorsDepth);
  }
  walk.text += '}';
}

/**
 * `keys` in RFC 8785 order, UTF-16 code units, as a new array. `<` on strings and the
 * default sort both compare that way; an insertion sort is several times faster than
 * `sort()` for the handful of keys real objects have.
 */
function sortedKeys(keys: readonly string[]): string[] {
  const sorted = keys.slice();
  if (sorted.length > 16) return sorted.sort();
  for (let index = 1; index < sorted.length; index += 1) {
    const key = sorted[index] as string;
    let at = index - 1;
    for (; at >= 0 && (sorted[at] as string) > key; at -= 1) sorted[at + 1] = sorted[at] as string;
    sorted[at + 1] = key;
  }
  return sorted;
}

/** Writes `"key":value` after `lead`; leaves the key's step on the path for the caller to pop. */
function writeMember(container: object, key: string, lead: string, walk: Walk): void {
  walk.steps.push(key);
  // Most keys are plain: `"key":` in one concatenation.
  walk.text += NOT_PLAIN.test(key) ? `${lead}${quoted(key, walk.steps)}:` : `${lead}"${key}":`;
  writeJsonData(readProperty(container, key, walk), walk);
}

/**
 * The error path of `writeObject`: members are written in key order, but the problem to
 * report is the first in member order, as a walk in the object's own order would find it
 * (so the error does not depend on how keys happen to sort). `sorted[failed]` threw
 * `problem`; only the later-sorted members that come earlier in member order can hold an
 * earlier problem, so only those are still read. The text written meanwhile is discarded
 * with the walk.
 */
function firstProblemInMemberOrder(
  container: object,
  keys: readonly string[],
  sorted: readonly string[],
  failed: number,
  problem: unknown,
  walk: Walk,
  stepsDepth: number,
  ancestorsDepth: number,
): unknown {
  let first = { position: keys.indexOf(sorted[failed] as string), problem };
  for (let index = failed + 1; index < sorted.length; index += 1) {
    const key = sorted[index] as string;
    const position = keys.indexOf(key);
    if (position > first.position) continue;
    // A throw leaves the steps and ancestors of the levels it passed through; undo them.
    walk.steps.length = stepsDepth;
    walk.ancestors.length = ancestorsDepth;
    try {
      writeMember(container, key, ',', walk);
    } catch (earlier) {
      first = { position, problem: earlier };
    }
  }
  walk.steps.length = stepsDepth;
  walk.ancestors.length = ancestorsDepth;
  return first.problem;
}

/**
 * `null`, or a root prototype (`Object.prototype` of this or another realm, e.g. an object
 * made inside Temporal's workflow sandbox). Date, Map, typed arrays and class instances all
 * have a prototype that itself has a prototype, so they fail here.
 */
function isPlainPrototype(proto: object | null): boolean {
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Reads one property; a throwing getter or proxy trap becomes a coded error, not a crash. */
function readProperty(container: object, key: string | number, walk: Walk): unknown {
  try {
    return (container as Record<string | number, unknown>)[key];
  } catch (cause) {
    throw nonJson(walk.steps, 'reading the property threw', cause);
  }
}

/** Names the offending kind (Date, Map, a class) for the message; never throws. */
function describeKind(value: object): string {
  try {
    const name: unknown = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '') return name === 'Object' ? 'class instance' : name;
  } catch {
    // fall through to the generic description
  }
  return 'value';
}

/** CANONICAL_NON_JSON_VALUE at `steps`; `cause` is the value's own error (a getter or proxy trap that threw). */
function nonJson(steps: readonly (string | number)[], message: string, cause?: unknown): WritError {
  const path = jsonPathOf(steps);
  return new WritError('CANONICAL_NON_JSON_VALUE', `${path}: ${message}`, { issues: [{ path, message }], ...(cause === undefined ? {} : { cause }) });
}

function loneSurrogate(steps: readonly (string | number)[]): WritError {
  const path = jsonPathOf(steps);
  const message = 'string contains a lone UTF-16 surrogate';
  return new WritError('CANONICAL_LONE_SURROGATE', `${path}: ${message}`, { issues: [{ path, message }] });
}
