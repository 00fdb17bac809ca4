import { WritError } from '../../errors/writError';

/** The largest entry a bundle can hold: its length is a big-endian uint16. */
export const MAX_BUNDLE_ENTRY_BYTES = 0xffff;

/**
 * An entry bundle (c2sp.org/tlog-tiles, "Log entries"): the entries in order, each as a
 * big-endian uint16 length and its bytes.
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  const out = Buffer.allocUnsafe(entries.reduce((total, entry) => total + 2 + entry.length, 0));
  let at = 0;
  for (const entry of entries) {
    if (entry.length > MAX_BUNDLE_ENTRY_BYTES) throw new WritError('LOG_ENTRY_TOO_LARGE', `an entry is at most ${MAX_BUNDLE_ENTRY_BYTES} bytes, got ${entry.length}`);
    out.writeUInt16BE(entry.length, at);
    out.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return out;
}

/** The entries of a bundle, which must hold exactly `width` of them and nothing after (LOG_CORRUPT otherwise). */
export function decodeEntryBundle(bundle: Uint8Array, width: number, path: string): Buffer[] {
  const data = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.length);
  const entries: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + 2 > data.length) throw new WritError('LOG_CORRUPT', `${path}: a length prefix cut short at byte ${at}`);
    const length = data.readUInt16BE(at);
    if (at + 2 + length > data.length) throw new WritError('LOG_CORRUPT', `${path}: entry ${entries.length} runs past the end of the bundle`);
    entries.push(Buffer.from(data.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  if (entries.length !== width) throw new WritError('LOG_CORRUPT', `${path}: ${entries.length} entries, expected ${width}`);
  return entries;
}
