import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { encode } from '@temporalio/common/lib/encoding';
import { MAX_JSON_DEPTH, MAX_JSON_PAYLOAD_BYTES } from '../../../core/canonical/jsonLimits';
import { PayloadRefusal } from '../../../core/payload/payloadRefusal';
import { payloadConverter } from '../../../core/payload/strictPayloadConverter';

/** A json/plain payload of exactly these bytes, as a raw client or a foreign worker sends it. */
function rawJson(data: string | Uint8Array): Payload {
  return { metadata: { encoding: encode('json/plain') }, data: typeof data === 'string' ? encode(data) : data };
}

/** The refusal decoding `payload` throws. */
function refusalOf(payload: Payload): PayloadRefusal {
  try {
    payloadConverter.fromPayload(payload);
  } catch (error) {
    if (error instanceof PayloadRefusal) return error;
    throw new Error(`expected a PayloadRefusal, got ${String(error)}`);
  }
  throw new Error('expected a PayloadRefusal, the payload decoded');
}

describe("Writ's payload converter", () => {
  it('encodes exactly as the default converter does', () => {
    for (const value of [undefined, null, 0, 'text', { a: [1, 2.5, 'x'], b: { c: true } }, new Uint8Array([1, 2, 3])]) {
      expect(payloadConverter.toPayload(value)).toEqual(defaultPayloadConverter.toPayload(value));
    }
  });

  it('decodes what the default converter encodes to the same value', () => {
    const value = { fromAccount: 'acct-alice', amountCents: 777, memo: 'caf\u00e9 \ud83d\ude00', nested: [{ deep: [null, false] }] };
    expect(payloadConverter.fromPayload(defaultPayloadConverter.toPayload(value))).toEqual(value);
    expect(payloadConverter.fromPayload(defaultPayloadConverter.toPayload(undefined))).toBeUndefined();
    expect(payloadConverter.fromPayload(defaultPayloadConverter.toPayload(new Uint8Array([7])))).toEqual(new Uint8Array([7]));
  });

  describe('when a payload holds a duplicate member', () => {
    it('refuses it (CANONICAL_DUPLICATE_KEY) where JSON.parse keeps the last', () => {
      const payload = rawJson('{"amountCents":1,"amountCents":900}');
      expect(defaultPayloadConverter.fromPayload(payload)).toEqual({ amountCents: 900 });
      expect(refusalOf(payload).type).toBe('CANONICAL_DUPLICATE_KEY');
      expect(refusalOf(rawJson('{"a":1,"\\u0061":2}')).type).toBe('CANONICAL_DUPLICATE_KEY');
    });
  });

  describe('when a payload holds a number a double rounds', () => {
    it('refuses 2^53 + 1 (CANONICAL_NUMBER_IMPRECISE) where JSON.parse reads 2^53', () => {
      const payload = rawJson('{"amountCents":9007199254740993}');
      expect(defaultPayloadConverter.fromPayload(payload)).toEqual({ amountCents: 9007199254740992 });
      expect(refusalOf(payload).type).toBe('CANONICAL_NUMBER_IMPRECISE');
    });
  });

  describe('when a payload holds a lone surrogate', () => {
    it('refuses it escaped (CANONICAL_LONE_SURROGATE), as JSON.stringify writes one', () => {
      expect(refusalOf(defaultPayloadConverter.toPayload({ memo: 'x\ud800' })).type).toBe('CANONICAL_LONE_SURROGATE');
    });

    it('refuses the bytes of a raw surrogate half, which are not UTF-8 (CANONICAL_INVALID_JSON)', () => {
      expect(refusalOf(rawJson(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]))).type).toBe('CANONICAL_INVALID_JSON');
    });
  });

  describe('when a payload holds any UTF-8 text', () => {
    it('decodes every code point, four-byte ones and U+FEFF inside a string included, as written', () => {
      const memo = 'a\u007f\u0080\u07ff\u0800\ufeff\ufffd\uffff\u{10000}\u{10ffff}';
      expect(payloadConverter.fromPayload(rawJson(Buffer.from(JSON.stringify({ memo }), 'utf8')))).toEqual({ memo });
    });
  });

  describe('when a payload is not plain JSON text', () => {
    it.each([
      ['malformed UTF-8', new Uint8Array([0x22, 0xff, 0x22])],
      ['a byte-order mark', new Uint8Array([0xef, 0xbb, 0xbf, 0x31])],
      ['an overlong encoding of "/"', new Uint8Array([0x22, 0xc0, 0xaf, 0x22])],
      ['a sequence cut short', new Uint8Array([0x22, 0xe2, 0x82, 0x22])],
      ['a code point above U+10FFFF', new Uint8Array([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22])],
      ['a trailing comma', '[1,]'],
      ['nesting deeper than the limit', `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`],
    ])('refuses %s (CANONICAL_INVALID_JSON)', (_name, data) => {
      expect(refusalOf(rawJson(data)).type).toBe('CANONICAL_INVALID_JSON');
    });

    it('refuses a payload without data (CANONICAL_INVALID_JSON)', () => {
      expect(refusalOf({ metadata: { encoding: encode('json/plain') } }).type).toBe('CANONICAL_INVALID_JSON');
    });
  });

  describe('when a payload is larger than the limit', () => {
    it('refuses it before parsing (INPUT_TOO_LARGE)', () => {
      const data = new Uint8Array(MAX_JSON_PAYLOAD_BYTES + 1).fill(0x20);
      data[0] = 0x31;
      expect(refusalOf(rawJson(data)).type).toBe('INPUT_TOO_LARGE');
    });
  });

  describe('a refusal', () => {
    it('is a non-retryable ApplicationFailure whose type is the code', () => {
      const refusal = refusalOf(rawJson('{"a":1,"a":2}'));
      expect(refusal).toBeInstanceOf(ApplicationFailure);
      expect(refusal).toMatchObject({ type: 'CANONICAL_DUPLICATE_KEY', code: 'CANONICAL_DUPLICATE_KEY', nonRetryable: true });
    });

    it('stays non-retryable when rewrapped as the worker rewraps an argument decoding error', () => {
      const refusal = refusalOf(rawJson('{"a":1,"a":2}'));
      const rewrapped = ApplicationFailure.fromError(refusal, { message: 'Failed to parse activity args', nonRetryable: false });
      expect(rewrapped).toMatchObject({ type: 'CANONICAL_DUPLICATE_KEY', nonRetryable: true, message: 'Failed to parse activity args' });
    });
  });
});
