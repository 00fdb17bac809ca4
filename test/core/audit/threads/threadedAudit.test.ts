import { PreverifiedSignatures } from '../../../../core/artifact/verify/preverifiedSignatures';
import { verifyBundle } from '../../../../core/audit';
import { auditFixtures } from './fixtureCases';

// The threads only share out the signature checks: on every committed case, passing and
// failing, the verdict with them is the verdict without them, finding for finding. (On
// bundles this small the checks usually outrun the threads; threadsFirst.test.ts makes
// the checks wait for them, so every signature is one a thread verified.)

const cases = auditFixtures();

describe('when the committed audit cases are verified with signature threads', () => {
  it('covers the failing cases as well as the clean ones', () => {
    expect(cases.filter((c) => c.name.endsWith('_fail')).length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => !c.name.endsWith('_fail')).length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the same verdict as on one thread', async (_name, c) => {
    const single = await verifyBundle(c.bundle, { replay: false, signatureThreads: 0 });
    const threaded = await verifyBundle(c.bundle, { replay: false, signatureThreads: 2 });
    expect(threaded).toEqual(single);
    if (c.name.endsWith('_fail')) expect(threaded.passed).toBe(false);
  });

  it('uses no thread for a bundle too small to gain from them', async () => {
    const holds = jest.spyOn(PreverifiedSignatures.prototype, 'holds');
    try {
      const clean = cases.find((c) => c.name === 'clean-transfer')!;
      expect((await verifyBundle(clean.bundle, { replay: false })).passed).toBe(true);
      expect(holds.mock.results.filter((result) => result.value === true)).toEqual([]);
    } finally {
      holds.mockRestore();
    }
  });
});
