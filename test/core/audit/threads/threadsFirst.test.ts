import { PreverifiedSignatures } from '../../../../core/artifact/verify/preverifiedSignatures';
import { verifyBundle } from '../../../../core/audit';
import type * as Preverify from '../../../../core/audit/threads/preverifySignatures';
import { auditFixtures } from './fixtureCases';

// The checks wait for the threads before each run, so every signature a thread could
// verify comes from a thread: the verdict must still be the single-threaded one, on every
// committed case, and the checks must have taken the threads' answers.
jest.mock('../../../../core/audit/threads/preverifySignatures', () => {
  const actual = jest.requireActual<typeof Preverify>('../../../../core/audit/threads/preverifySignatures');
  return {
    ...actual,
    preverifySignatures: (...args: Parameters<typeof Preverify.preverifySignatures>) => {
      const started = actual.preverifySignatures(...args);
      return { ...started, poll: () => started.settled() };
    },
  };
});

const cases = auditFixtures();

describe('when the threads have verified every signature before the checks run', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: the same verdict as on one thread', async (_name, c) => {
    const single = await verifyBundle(c.bundle, { replay: false, signatureThreads: 0 });
    expect(await verifyBundle(c.bundle, { replay: false, signatureThreads: 2 })).toEqual(single);
  });

  it('the checks take the threads’ answers instead of verifying again', async () => {
    const holds = jest.spyOn(PreverifiedSignatures.prototype, 'holds');
    try {
      const clean = cases.find((c) => c.name === 'clean-transfer')!;
      const verdict = await verifyBundle(clean.bundle, { replay: false, signatureThreads: 2 });
      expect(verdict.passed).toBe(true);
      const found = holds.mock.results.filter((result) => result.value === true).length;
      expect(found).toBe(verdict.artifactsVerified + (verdict.receiptsVerified ?? 0));
    } finally {
      holds.mockRestore();
    }
  });
});
