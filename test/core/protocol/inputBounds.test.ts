import { defaultPayloadConverter } from '@temporalio/common';
import { isWritError } from '../../../core/errors/writError';
import { DEFAULT_MAX_INPUT_BYTES, encodedInputBytes, MAX_INPUT_BYTES_CEILING, requireBoundedInput, resolveMaxInputBytes } from '../../../core/protocol/inputBounds';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return isWritError(error) ? error.code : 'not a WritError';
  }
}

describe('maxInputBytes', () => {
  it('defaults to 256 KiB, well under the 1 MiB ceiling', () => {
    expect(resolveMaxInputBytes(undefined)).toBe(DEFAULT_MAX_INPUT_BYTES);
    expect(DEFAULT_MAX_INPUT_BYTES).toBe(256 * 1024);
    expect(MAX_INPUT_BYTES_CEILING).toBe(1024 * 1024);
  });

  it.each([1, 1024, MAX_INPUT_BYTES_CEILING])('accepts %p', (value) => {
    expect(resolveMaxInputBytes(value)).toBe(value);
  });

  it.each([0, -1, 1.5, MAX_INPUT_BYTES_CEILING + 1, Number.NaN, Number.POSITIVE_INFINITY, '1024', null, 2 ** 53])('refuses %p (CONFIG_INVALID)', (value) => {
    expect(codeOf(() => resolveMaxInputBytes(value))).toBe('CONFIG_INVALID');
  });
});

describe('the encoded size of an argument', () => {
  it.each([
    ['ASCII', { memo: 'hello', n: 1 }],
    ['two-byte UTF-8', 'éàü'],
    ['three-byte UTF-8', '漢字'],
    ['a surrogate pair', '😀 ok'],
    ['a lone surrogate', 'a\ud800b'],
    ['escapes', 'line\nbreak "quoted" \u0001'],
    ['null', null],
    ['an array', [1, 'two', { three: 3 }]],
  ])('is the payload converter size for %s', (_name, value) => {
    expect(encodedInputBytes(value)).toBe(defaultPayloadConverter.toPayload(value)!.data!.byteLength);
  });

  it('is 0 for undefined and the byte length of a Uint8Array', () => {
    expect(encodedInputBytes(undefined)).toBe(0);
    expect(encodedInputBytes(new Uint8Array(10))).toBe(10);
  });
});

describe('requireBoundedInput', () => {
  it('passes an argument at the bound and refuses one byte more (INPUT_TOO_LARGE)', () => {
    const atBound = 'x'.repeat(100 - 2); // JSON adds the two quotes
    expect(codeOf(() => requireBoundedInput('act', [atBound], 100))).toBeUndefined();
    expect(codeOf(() => requireBoundedInput('act', [`${atBound}x`], 100))).toBe('INPUT_TOO_LARGE');
  });

  it('applies the ceiling when no bound is given', () => {
    expect(codeOf(() => requireBoundedInput('act', [{ memo: 'x'.repeat(MAX_INPUT_BYTES_CEILING) }]))).toBe('INPUT_TOO_LARGE');
  });
});
