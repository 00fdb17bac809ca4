// Workflow code loads this file (the bundle's payload converter): no Node built-ins.
import { JsonPayloadConverter, type Payload, type PayloadConverterWithEncoding } from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { MAX_JSON_PAYLOAD_BYTES } from '../canonical/jsonLimits';
import { WritError } from '../errors/writError';
import { PayloadRefusal } from './payloadRefusal';

/**
 * Temporal's `json/plain` encoding, read strictly. Encoding is the SDK's own
 * (`JSON.stringify`), so what Writ writes is what any Temporal SDK reads. Decoding refuses,
 * with a `PayloadRefusal` whose type is the stable code, what `JSON.parse` would silently
 * reinterpret:
 * - a duplicate member (`{"amount":1,"amount":900}`): `CANONICAL_DUPLICATE_KEY`;
 * - a number that does not read back as written (`9007199254740993`, read as ...992): `CANONICAL_NUMBER_IMPRECISE`;
 * - a lone surrogate, escaped or not: `CANONICAL_LONE_SURROGATE`;
 * - bytes that are not UTF-8, a byte-order mark, nesting deeper than `MAX_JSON_DEPTH`,
 *   anything outside the JSON grammar, no data: `CANONICAL_INVALID_JSON`;
 * - more than `MAX_JSON_PAYLOAD_BYTES`: `INPUT_TOO_LARGE`, before any parsing.
 * So the value recorded in history is exactly the value every reader decodes.
 */
export class StrictJsonPayloadConverter implements PayloadConverterWithEncoding {
  private readonly json = new JsonPayloadConverter();
  /** `json/plain`, the encoding it replaces. */
  readonly encodingType = this.json.encodingType;

  /** The SDK's JSON encoding: `undefined` for a value it cannot encode, so another converter may. */
  toPayload(value: unknown): Payload | undefined {
    return this.json.toPayload(value);
  }

  /** Decodes strictly; throws `PayloadRefusal` with the code of the first problem. */
  fromPayload<T>(payload: Payload): T {
    try {
      return parseStrictJson(strictUtf8(payload.data), { exactNumbers: true }) as T;
    } catch (error) {
      if (error instanceof WritError) throw new PayloadRefusal(error);
      throw error;
    }
  }
}

/** The payload's text, refusing what has no faithful UTF-8 reading. */
function strictUtf8(data: Uint8Array | null | undefined): string {
  if (data === undefined || data === null) throw invalid('a json/plain payload without data');
  if (data.byteLength > MAX_JSON_PAYLOAD_BYTES) {
    throw new WritError('INPUT_TOO_LARGE', `a json/plain payload of ${data.byteLength} bytes, more than the ${MAX_JSON_PAYLOAD_BYTES} decoded`, {
      facts: { bytes: data.byteLength, maxBytes: MAX_JSON_PAYLOAD_BYTES },
    });
  }
  if (fatalUtf8 !== null) {
    try {
      return fatalUtf8.decode(data);
    } catch {
      throw notUtf8();
    }
  }
  const text = decode(data);
  // The SDK's decoder replaces malformed sequences with U+FFFD, so the text no longer
  // encodes back to the bytes recorded.
  if (!sameBytes(encode(text), data)) throw notUtf8();
  return text;
}

/**
 * The platform's UTF-8 decoder, where there is one (Node, and not necessarily a workflow
 * sandbox): `fatal` refuses exactly the bytes the SDK decoder's read-back refuses (a
 * malformed or overlong sequence, an encoded surrogate) and `ignoreBOM` keeps a leading
 * byte-order mark in the text as the SDK decoder does, for `parseStrictJson` to refuse.
 * One native pass instead of a decode, an encode and a comparison in script, which an
 * auditor pays for on every payload of every history it reads.
 */
const fatalUtf8: { decode(data: Uint8Array): string } | null =
  typeof TextDecoder === 'function' ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }) : null;

function notUtf8(): WritError {
  return invalid('bytes that are not UTF-8 without a byte-order mark');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function invalid(what: string): WritError {
  return new WritError('CANONICAL_INVALID_JSON', `${what} is not JSON text`, { issues: [{ path: '$', message: what }] });
}
