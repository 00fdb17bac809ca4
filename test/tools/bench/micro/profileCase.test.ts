import type { Profiler } from 'node:inspector';
import { profileShares } from '../../../../tools/bench/micro/profileCase';

// A call tree root → verify → { signature, claims → claims (recursion) }, sampled 10 times.
const frame = (id: number, functionName: string, children: number[] = []): Profiler.ProfileNode => ({
  id,
  callFrame: { functionName, scriptId: '1', url: 'file:///repo/dist/core/artifact/verifyArtifact.js', lineNumber: id, columnNumber: 0 },
  children,
});
const PROFILE: Profiler.Profile = {
  nodes: [frame(1, '(root)', [2]), frame(2, 'verify', [3, 4]), frame(3, 'signature'), frame(4, 'claims', [5]), { ...frame(5, 'claims'), callFrame: { ...frame(4, 'claims').callFrame } }],
  startTime: 0,
  endTime: 10,
  samples: [3, 3, 3, 3, 3, 3, 4, 5, 5, 2],
};

describe('profileShares', () => {
  const shares = new Map(profileShares(PROFILE).map((share) => [share.frame.split(' ')[0], share]));

  it('gives each function the share of samples taken in it and the share with it on the stack', () => {
    expect(shares.get('signature')).toMatchObject({ selfPercent: 60, totalPercent: 60 });
    expect(shares.get('verify')).toMatchObject({ selfPercent: 10, totalPercent: 100 });
  });

  describe('when a function recurses', () => {
    it('counts it once per sample, so no share exceeds 100%', () => {
      expect(shares.get('claims')).toMatchObject({ selfPercent: 30, totalPercent: 30 });
    });
  });

  it('names frames by their path under dist/, not the machine path', () => {
    expect(shares.get('verify')?.frame).toBe('verify dist/core/artifact/verifyArtifact.js:3');
  });
});
