import { WritError, type WritErrorCode } from '../errors/writError';
import { isWellFormedUtf16 } from './isWellFormedUtf16';
import { MAX_JSON_DEPTH } from './jsonLimits';
import { jsonPathOf, ROOT_JSON_PATH } from './jsonPath';
import { isExactNumber } from './isExactNumber';

/** How strictly `parseStrictJson` reads numbers. */
export interface StrictJsonOptions {
  /**
   * Refuse (`CANONICAL_NUMBER_IMPRECISE`) a number whose text is not the shortest decimal of
   * the double it parses to: `9007199254740993` (read as ...992), `0.10000000000000001`,
   * `1e-400` (read as 0). Such a text means one thing to a reader that keeps every digit and
   * another to JSON.parse. Off by default: documents written by other tools (RFC 8785's own
   * examples) carry such numbers, and their digests are of the value read.
   */
  readonly exactNumbers?: boolean;
}

/**
 * Parses JSON text (RFC 8259) strictly, for documents whose digest or signature matters.
 *
 * `JSON.parse` keeps the last of two equal keys, so `{"amount":1,"amount":1000}` can mean
 * different things to two parsers; this parser refuses it (`CANONICAL_DUPLICATE_KEY`), also
 * when the two spellings differ only by escapes. Strings and keys must decode to well-formed
 * UTF-16, whether a surrogate was written literally or as `\ud800`
 * (`CANONICAL_LONE_SURROGATE`). With `exactNumbers`, a number that is not the shortest
 * decimal of its double (it would not read back as written) is `CANONICAL_NUMBER_IMPRECISE`. Numbers beyond the IEEE 754 double range, nesting deeper than
 * `MAX_JSON_DEPTH`, a byte-order mark, comments, trailing commas and any other deviation from
 * the grammar are `CANONICAL_INVALID_JSON`. A key `"__proto__"` becomes an ordinary own
 * property, exactly as with `JSON.parse`; it never changes an object's prototype.
 *
 * Hand-written rather than a library: the duplicate-aware parsers on npm build a full syntax
 * tree, and the one checked (momoa) accepts raw control characters inside strings, which
 * JSON forbids.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): unknown {
  if (typeof text !== 'string') {
    throw new WritError('CANONICAL_INVALID_JSON', 'JSON text must be a string', {
      issues: [{ path: ROOT_JSON_PATH, message: 'JSON text must be a string' }],
    });
  }
  const exact = readBackExactly(text);
  if (exact !== NOT_EXACT) return exact;
  return new StrictJsonParser(text, options.exactNumbers === true).parseDocument();
}

const NOT_EXACT = Symbol('not exact');
// An escaped surrogate (`\ud800`): JSON.parse lets a lone one through, and JSON.stringify
// writes it back the same way.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * The value of a text that JSON.stringify wrote (as the SDK's JSON converter and Writ's
 * signers write every payload and claim set), read by the native JSON.parse at a fraction
 * of this parser's cost, or NOT_EXACT for any other text, which the parser below reads.
 *
 * A text that JSON.parse reads and JSON.stringify writes back character for character is
 * one the parser below accepts, with the same value: it names no member twice (a repeated
 * member would be dropped, so the text written back would be shorter, and two spellings of
 * one key are written back as one), every number is the shortest decimal of its double
 * (written back otherwise: `1.0`, `1e400`, `9007199254740993`), and it is whitespace-free
 * grammar JSON.parse accepted. What the round trip cannot see is checked here: lone
 * surrogates, written literally or escaped, and nesting deeper than MAX_JSON_DEPTH.
 */
function readBackExactly(text: string): unknown {
  if (SURROGATE_ESCAPE.test(text) || !isWellFormedUtf16(text)) return NOT_EXACT;
  try {
    // JSON.parse and JSON.stringify recurse: text nested thousands deep exhausts the stack
    // (a RangeError, caught here); the depth is checked, within bounded recursion, first.
    const value: unknown = JSON.parse(text);
    if (deeperThan(value, MAX_JSON_DEPTH) || JSON.stringify(value) !== text) return NOT_EXACT;
    return value;
  } catch {
    return NOT_EXACT;
  }
}

/** True when `value` nests containers more than `levels` deep. */
function deeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) if (deeperThan(child, levels - 1)) return true;
  return false;
}

// The grammar of a JSON number, matched in one step at the current position.
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** One parse of one text; `position` only moves forward. */
class StrictJsonParser {
  private position = 0;
  /** Containers open at the current position. */
  private depth = 0;
  /**
   * The path to the current position as steps, spelled out only for an error: building a
   * path string for every member made parsing several times slower.
   */
  private readonly steps: Array<string | number> = [];

  constructor(
    private readonly text: string,
    private readonly exactNumbers: boolean,
  ) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.position < this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private parseValue(): unknown {
    const char = this.text[this.position];
    switch (char) {
      case '{':
        return this.parseObject();
      case '[':
        return this.parseArray();
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      case undefined:
        return this.fail('unexpected end of JSON text');
      default:
        if (char === '-' || (char >= '0' && char <= '9')) return this.parseNumber();
        return this.fail(`unexpected character ${JSON.stringify(char)}`);
    }
  }

  private enterContainer(): void {
    this.depth += 1;
    if (this.depth > MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.position += 1; // the opening bracket
    this.skipWhitespace();
  }

  private parseObject(): Record<string, unknown> {
    this.enterContainer();
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    if (this.text[this.position] === '}') {
      this.position += 1;
      this.depth -= 1;
      return result;
    }
    for (;;) {
      if (this.text[this.position] !== '"') this.fail('expected a string key');
      const keyStart = this.position;
      const key = this.parseString(true);
      this.steps.push(key);
      if (seen.has(key)) throw this.error('CANONICAL_DUPLICATE_KEY', `duplicate key at offset ${keyStart}`);
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.position] !== ':') this.fail('expected ":" after the key');
      this.position += 1;
      this.skipWhitespace();
      const value = this.parseValue();
      this.steps.pop();
      if (key === '__proto__') {
        // Assigning would call the inherited setter and swap the prototype instead of
        // recording the member; defining makes it an own property, as JSON.parse does.
        Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
      } else {
        result[key] = value;
      }
      this.skipWhitespace();
      const next = this.text[this.position];
      if (next === '}') {
        this.position += 1;
        this.depth -= 1;
        return result;
      }
      if (next !== ',') this.fail('expected "," or "}" in the object');
      this.position += 1;
      this.skipWhitespace();
    }
  }

  private parseArray(): unknown[] {
    this.enterContainer();
    const result: unknown[] = [];
    if (this.text[this.position] === ']') {
      this.position += 1;
      this.depth -= 1;
      return result;
    }
    for (;;) {
      this.steps.push(result.length);
      result.push(this.parseValue());
      this.steps.pop();
      this.skipWhitespace();
      const next = this.text[this.position];
      if (next === ']') {
        this.position += 1;
        this.depth -= 1;
        return result;
      }
      if (next !== ',') this.fail('expected "," or "]" in the array');
      this.position += 1;
      this.skipWhitespace();
    }
  }

  /**
   * Decodes the string starting at the opening quote. For a key, a lone surrogate is
   * reported at the member's own path, which needs the decoded key first.
   */
  private parseString(isKey = false): string {
    const start = this.position;
    this.position += 1; // opening quote
    let decoded = '';
    let chunkStart = this.position;
    for (;;) {
      const code = this.text.charCodeAt(this.position);
      if (Number.isNaN(code)) this.failAt(start, 'unterminated string');
      if (code === 0x22 /* " */) {
        decoded += this.text.slice(chunkStart, this.position);
        this.position += 1;
        break;
      }
      if (code < 0x20) this.fail('unescaped control character in a string');
      if (code !== 0x5c /* \ */) {
        this.position += 1;
        continue;
      }
      decoded += this.text.slice(chunkStart, this.position);
      decoded += this.parseEscape();
      chunkStart = this.position;
    }
    if (!isWellFormedUtf16(decoded)) {
      if (isKey) this.steps.push(decoded);
      throw this.error('CANONICAL_LONE_SURROGATE', `string at offset ${start} contains a lone UTF-16 surrogate`);
    }
    return decoded;
  }

  /** Decodes one escape sequence at the backslash; surrogate halves are checked by the caller. */
  private parseEscape(): string {
    const letter = this.text[this.position + 1];
    if (letter === 'u') {
      const hex = this.text.slice(this.position + 2, this.position + 6);
      if (!HEX4.test(hex)) this.fail('invalid \\u escape');
      this.position += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const replacement = letter === undefined ? undefined : SIMPLE_ESCAPES[letter];
    if (replacement === undefined) this.fail('invalid escape sequence');
    this.position += 2;
    return replacement;
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (match === null) return this.fail('invalid number');
    const value = Number(match[0]);
    // I-JSON (RFC 7493), which RFC 8785 builds on, allows only IEEE 754 doubles.
    if (!Number.isFinite(value)) this.fail('number is outside the IEEE 754 double range');
    if (this.exactNumbers && !isExactNumber(match[0], value)) {
      throw this.error('CANONICAL_NUMBER_IMPRECISE', `number ${match[0]} at offset ${this.position} reads as ${String(value)}`);
    }
    this.position += match[0].length;
    return value;
  }

  private parseLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) this.fail(`unexpected text, expected ${word}`);
    this.position += word.length;
    return value;
  }

  private skipWhitespace(): void {
    for (;;) {
      const code = this.text.charCodeAt(this.position);
      // JSON whitespace is exactly space, tab, line feed and carriage return.
      if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return;
      this.position += 1;
    }
  }

  private fail(message: string): never {
    return this.failAt(this.position, message);
  }

  private failAt(offset: number, message: string): never {
    throw this.error('CANONICAL_INVALID_JSON', `${message} at offset ${offset}`);
  }

  private error(code: WritErrorCode, message: string): WritError {
    const path = jsonPathOf(this.steps);
    return new WritError(code, `${path}: ${message}`, { issues: [{ path, message }] });
  }
}
