import { PreverifiedSignatures } from '../../../../core/artifact/verify/preverifiedSignatures';
import { verifyBundle } from '../../../../core/audit';
import { auditFixtures } from './fixtureCases';

// Every signature thread dies on its first batch: the audit must still reach the verdict
// one thread reaches (failing cases fail, clean ones pass), never a pass it did not earn.
jest.mock('../../../../core/audit/threads/signatureWorkerSource', () => ({
  SIGNATURE_WORKER_SOURCE: "require('node:worker_threads').parentPort.on('message', () => { throw new Error('signature thread crashed'); });",
}));

const cases = auditFixtures();

describe('when every signature thread crashes', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: the same verdict as on one thread', async (_name, c) => {
    const holds = jest.spyOn(PreverifiedSignatures.prototype, 'holds');
    try {
      const threaded = await verifyBundle(c.bundle, { replay: false, signatureThreads: 2 });
      expect(holds.mock.results.filter((result) => result.value === true)).toEqual([]);
      expect(threaded).toEqual(await verifyBundle(c.bundle, { replay: false, signatureThreads: 0 }));
      if (c.name.endsWith('_fail')) expect(threaded.passed).toBe(false);
    } finally {
      holds.mockRestore();
    }
  });
});
