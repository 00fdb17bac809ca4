/**
 * Decodes standard base64 (RFC 4648, section 4, padded) strictly: only the canonical
 * encoding of some bytes is accepted, so one value has one spelling. Node's decoder skips
 * junk and missing padding silently; undefined here.
 */
export function decodeStrictBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
