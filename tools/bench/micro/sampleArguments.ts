import { canonicalJson } from '../../../core/canonical/canonicalJson';

/** The argument of a typical governed call: a few scalar fields. */
export const SMALL_ARGUMENT = { sequence: 1, amountCents: 101, note: 'benchmark step' } as const;

/**
 * A deterministic argument whose canonical JSON is at least `bytes` long: a list of
 * records with strings, numbers, booleans and nested objects, the shape of a real payload
 * (a document, a batch of rows), not one long string, so canonicalisation walks and sorts
 * as it would in production. Returns the value and its canonical size.
 */
export function argumentOfSize(bytes: number): { readonly value: unknown; readonly canonicalBytes: number } {
  const rows: unknown[] = [];
  const value = { batch: 'benchmark', rows };
  let size = Buffer.byteLength(canonicalJson(value), 'utf8');
  while (size < bytes) {
    const index = rows.length;
    const row = {
      id: `row-${index.toString().padStart(6, '0')}`,
      amountCents: 1000 + ((index * 7919) % 100000),
      ratio: index / 7,
      approved: index % 3 === 0,
      tags: ['ledger', `region-${index % 5}`],
      owner: { name: `owner ${index % 17}`, team: index % 2 === 0 ? 'treasury' : 'operations' },
    };
    rows.push(row);
    size += Buffer.byteLength(canonicalJson(row), 'utf8') + (index === 0 ? 0 : 1);
  }
  return { value, canonicalBytes: Buffer.byteLength(canonicalJson(value), 'utf8') };
}
