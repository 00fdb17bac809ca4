// The longest integer text every double holds exactly: 15 digits stay below 2^53.
const SHORT_INTEGER = /^-?[0-9]{1,15}$/;
const DECIMAL = /^-?([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/**
 * True when the JSON number `text` is the decimal its double `value` is written as by
 * ECMAScript (`String(value)`, which JSON.stringify and RFC 8785 use): the same digits and
 * the same magnitude, however spelled (`1.50`, `15e-1` and `1.5` agree). Then every reader
 * that writes the value back writes what was sent; otherwise the text carried digits the
 * double dropped (`9007199254740993`, `0.10000000000000001`) or underflowed (`1e-400`).
 * The sign of zero is not compared: `-0` and `0` are written alike.
 */
export function isExactNumber(text: string, value: number): boolean {
  if (SHORT_INTEGER.test(text)) return true;
  return normalizedDecimal(text) === normalizedDecimal(String(value));
}

/**
 * `text` as `<sign><significant digits>e<position of the decimal point>`, or `0` for zero:
 * one spelling for every way of writing the same decimal.
 */
function normalizedDecimal(text: string): string {
  const match = DECIMAL.exec(text);
  if (match === null) return `invalid:${text}`;
  const negative = text.startsWith('-');
  const fraction = match[2] ?? '';
  let digits = `${match[1]!}${fraction}`;
  let point = match[1]!.length + Number(match[3] ?? '0');
  const leading = /^0*/.exec(digits)![0].length;
  digits = digits.slice(leading).replace(/0+$/, '');
  point -= leading;
  if (digits === '') return '0';
  return `${negative ? '-' : ''}${digits}e${point}`;
}
