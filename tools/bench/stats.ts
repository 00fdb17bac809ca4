/** Percentile summary of a sample, in the sample's own unit. */
export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Summarises a sample with nearest-rank percentiles (the p-th percentile is the smallest
 * value with at least p% of the sample at or below it), so every figure reported is a
 * value that was really observed. An empty sample is an error, not zeros.
 */
export function summarize(sample: readonly number[]): Summary {
  if (sample.length === 0) throw new RangeError('cannot summarize an empty sample');
  const sorted = Float64Array.from(sample).sort();
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  let total = 0;
  for (const value of sorted) total += value;
  return { count: sorted.length, p50: rank(50), p99: rank(99), mean: total / sorted.length, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Rounds for reporting: enough digits to compare runs, no false precision. */
export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
