import { isExactNumber } from '../../../core/canonical/isExactNumber';
import { parseStrictJson } from '../../../core/canonical/parseStrictJson';
import { codeOf } from '../../support/codeOf';

describe('isExactNumber', () => {
  it.each(['0', '-0', '1', '-12', '1.5', '1.50', '15e-1', '0.1', '1e21', '1E+21', '5e-324', '123456789012345', '9007199254740991', '9007199254740992', '1152921504606847000', '1.7976931348623157e308', '0.000001', '1e-7'])(
    'accepts %s, the decimal its double is written as',
    (text) => {
      expect(isExactNumber(text, Number(text))).toBe(true);
    },
  );

  it.each(['9007199254740993', '-9007199254740993', '1152921504606846976', '1152921504606846977', '0.10000000000000001', '1e-400', '123456789012345678901234567890', '333333333.33333329'])(
    'refuses %s, which its double is not written as (2^60 exactly is written 1152921504606847000)',
    (text) => {
      expect(isExactNumber(text, Number(text))).toBe(false);
    },
  );
});

describe('parseStrictJson with exactNumbers', () => {
  it('refuses an integer above 2^53 that rounds (CANONICAL_NUMBER_IMPRECISE), at its path', () => {
    expect(codeOf(() => parseStrictJson('{"amountCents":9007199254740993}', { exactNumbers: true }))).toBe('CANONICAL_NUMBER_IMPRECISE');
    try {
      parseStrictJson('{"a":[1,9007199254740993]}', { exactNumbers: true });
    } catch (error) {
      expect((error as { issues: { path: string }[] }).issues[0]?.path).toBe('$.a[1]');
    }
  });

  it('reads the same number as JSON.parse does without the option (RFC 8785 documents carry such numbers)', () => {
    expect(parseStrictJson('[9007199254740993]')).toEqual([9007199254740992]);
  });

  it('keeps every exact number as JSON.parse reads it', () => {
    const text = '{"a":1.5,"b":-0.25,"c":1e21,"d":9007199254740991}';
    expect(parseStrictJson(text, { exactNumbers: true })).toEqual(JSON.parse(text));
  });
});
