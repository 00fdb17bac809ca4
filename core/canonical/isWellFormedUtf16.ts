// With the `u` flag a regular expression reads code points, so a proper surrogate pair is one
// astral code point and only an unpaired half still has General_Category "Surrogate".
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * True when `text` is well-formed UTF-16: no high surrogate without its low half and no
 * low surrogate on its own. Such a string has no UTF-8 encoding, so two parties could hash
 * different bytes for it; Writ refuses it before it reaches a digest. (The same test as
 * `String.prototype.isWellFormed`, which the project's ES2023 type library does not declare.)
 */
export function isWellFormedUtf16(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
