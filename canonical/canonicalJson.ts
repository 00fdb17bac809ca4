import canonicalize from 'canonicalize';
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
 * refused with `CANONICAL_LONE_SURROGATE`. The error's issue names the path (`$.a[2].b`).
 */
export function canonicalJson(value: unknown): string {
  // Serialise a private snapshot, never the caller's object: each property is read once,
  // so a getter or proxy cannot show the validator one value and the serialiser another.
  // The copies are ordinary objects (null-prototype ones are much slower in V8); an own
  // `toJSON` cannot reach them, since a function value is refused before it is copied.
  const snapshot = snapshotJsonData(value, { steps: [], ancestors: new Set() });
  const text = canonicalize(snapshot);
  if (text === undefined) {
    // Unreachable for a validated snapshot; kept so a library change cannot yield "undefined".
    throw nonJson([], 'value has no JSON representation');
  }
  return text;
}

/**
 * Where the walk is. The path is kept as steps and only spelled out for an error: building
 * a path string for every member made canonicalisation several times slower.
 */
interface Walk {
  readonly steps: Array<string | number>;
  /** Containers on the way from the root to here; only these make a cycle. */
  readonly ancestors: Set<object>;
}

function snapshotJsonData(value: unknown, walk: Walk): JsonValue {
  switch (typeof value) {
    case 'string':
      if (!isWellFormedUtf16(value)) throw loneSurrogate(walk.steps);
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw nonJson(walk.steps, `${String(value)} is not a JSON number`);
      return Object.is(value, -0) ? 0 : value;
    case 'boolean':
      return value;
    case 'object':
      if (value === null) return null;
      return snapshotContainer(value, walk);
    default:
      // undefined, function, symbol, bigint
      throw nonJson(walk.steps, `${typeof value} is not JSON data`);
  }
}

function snapshotContainer(value: object, walk: Walk): JsonValue {
  if (walk.ancestors.has(value)) throw nonJson(walk.steps, 'cycle: the value contains itself');
  if (walk.ancestors.size >= MAX_JSON_DEPTH) throw nonJson(walk.steps, `nested deeper than ${MAX_JSON_DEPTH} levels`);
  walk.ancestors.add(value);
  try {
    return Array.isArray(value) ? snapshotArray(value as unknown[], walk) : snapshotObject(value, walk);
  } finally {
    // Only ancestors count: the same object reached twice by different branches is a DAG,
    // which serialises fine, not a cycle.
    walk.ancestors.delete(value);
  }
}

function snapshotArray(value: unknown[], walk: Walk): JsonValue[] {
  // Array.prototype is itself an array in every realm, while a subclass prototype is not.
  if (!Array.isArray(Object.getPrototypeOf(value))) throw nonJson(walk.steps, 'array subclass is not JSON data');
  // Own keys of a plain array are its indices plus `length`; anything more (a named or symbol
  // property) or less (a hole) would be dropped or invented by serialisation.
  if (Reflect.ownKeys(value).length !== value.length + 1) {
    throw nonJson(walk.steps, 'array has holes or extra properties');
  }
  const copy: JsonValue[] = [];
  for (let index = 0; index < value.length; index += 1) {
    walk.steps.push(index);
    copy.push(snapshotJsonData(readProperty(value, index, walk), walk));
    walk.steps.pop();
  }
  return copy;
}

function snapshotObject(value: object, walk: Walk): JsonValue {
  if (!isPlainPrototype(Object.getPrototypeOf(value))) {
    throw nonJson(walk.steps, `${describeKind(value)} is not a plain object`);
  }
  const keys = Object.keys(value);
  // Symbol-keyed and non-enumerable properties would vanish from the serialisation.
  if (Reflect.ownKeys(value).length !== keys.length) {
    throw nonJson(walk.steps, 'object has symbol or non-enumerable properties');
  }
  const copy: { [key: string]: JsonValue } = {};
  for (const key of keys) {
    walk.steps.push(key);
    if (!isWellFormedUtf16(key)) throw loneSurrogate(walk.steps);
    const member = snapshotJsonData(readProperty(value, key, walk), walk);
    if (key === '__proto__') {
      // Assigning would call the inherited setter and replace the copy's prototype.
      Object.defineProperty(copy, key, { value: member, writable: true, enumerable: true, configurable: true });
    } else {
      copy[key] = member;
    }
    walk.steps.pop();
  }
  return copy;
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
    const path = jsonPathOf(walk.steps);
    throw new WritError('CANONICAL_NON_JSON_VALUE', `${path}: reading the property threw`, {
      issues: [{ path, message: 'reading the property threw' }],
      cause,
    });
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

function nonJson(steps: readonly (string | number)[], message: string): WritError {
  const path = jsonPathOf(steps);
  return new WritError('CANONICAL_NON_JSON_VALUE', `${path}: ${message}`, { issues: [{ path, message }] });
}

function loneSurrogate(steps: readonly (string | number)[]): WritError {
  const path = jsonPathOf(steps);
  const message = 'string contains a lone UTF-16 surrogate';
  return new WritError('CANONICAL_LONE_SURROGATE', `${path}: ${message}`, { issues: [{ path, message }] });
}
