import type fc from 'fast-check';

/**
 * fast-check parameters for Writ's fuzz properties. Run counts stay modest so the suite
 * stays quick; `WRIT_FUZZ_RUNS_FACTOR=20` runs each property twenty times longer on a
 * developer's machine. fast-check prints the seed and path of any failure; set
 * `WRIT_FUZZ_SEED` (and `WRIT_FUZZ_PATH`) to replay it.
 */
export function fuzzParameters<T>(numRuns: number): fc.Parameters<T> {
  const factor = Number(process.env['WRIT_FUZZ_RUNS_FACTOR'] ?? '1');
  const seed = process.env['WRIT_FUZZ_SEED'];
  const replayPath = process.env['WRIT_FUZZ_PATH'];
  return {
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1))),
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(replayPath === undefined ? {} : { path: replayPath }),
  };
}
