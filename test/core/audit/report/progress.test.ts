import { Writable } from 'node:stream';
import { createProgress } from '../../../../core/audit/report/progress';

/** A stream that records what was written, posing as a terminal or not. */
function captureStream(isTTY: boolean): { stream: NodeJS.WriteStream; output: () => string } {
  const chunks: string[] = [];
  const writable = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  Object.assign(writable, { isTTY, columns: 120 });
  return { stream: writable as unknown as NodeJS.WriteStream, output: () => chunks.join('') };
}

describe('createProgress', () => {
  describe('when the stream is not a terminal', () => {
    it('prints a plain line every N items and a closing line', () => {
      const { stream, output } = captureStream(false);
      let clock = 1_000;
      const progress = createProgress(10, stream, { every: 4, now: () => clock });
      for (let i = 1; i <= 10; i++) progress.tick(`wf-${i}`);
      clock += 2_500;
      progress.done();
      expect(output().split('\n')).toEqual([
        'audit: 4/10 runs (40%) wf-4',
        'audit: 8/10 runs (80%) wf-8',
        'audit: 10/10 runs (100%) wf-10',
        'audit: checked 10 of 10 runs in 2.5 s',
        '',
      ]);
    });

    it('defaults to a line every 5% of the total', () => {
      const { stream, output } = captureStream(false);
      const progress = createProgress(200, stream);
      for (let i = 0; i < 200; i++) progress.tick();
      progress.done();
      expect(output().split('\n').filter((l) => /^audit: \d+\/200 runs/.test(l))).toHaveLength(20);
    });

    it('drops control characters and bidirectional overrides from labels (they come from histories)', () => {
      const { stream, output } = captureStream(false);
      const progress = createProgress(1, stream);
      progress.tick('evil\u001b[2J\u001b]0;owned\u0007\u202eid\r');
      progress.done();
      expect(output()).toContain('audit: 1/1 runs (100%) evil[2J]0;ownedid\n');
      expect(output().replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    });

    it('ignores ticks after done and a second done', () => {
      const { stream, output } = captureStream(false);
      const progress = createProgress(2, stream, { every: 1, now: () => 0 });
      progress.tick();
      progress.done();
      progress.tick();
      progress.done();
      expect(output()).toBe('audit: 1/2 runs (50%)\naudit: checked 1 of 2 runs in 0.0 s\n');
    });
  });

  describe('when the stream is a terminal', () => {
    it('draws a live bar and leaves it at the final count', () => {
      const { stream, output } = captureStream(true);
      const progress = createProgress(3, stream, { unit: 'histories' });
      progress.tick('a');
      progress.tick('b');
      progress.tick('c');
      progress.done();
      expect(output()).toContain('auditing ');
      expect(output()).toContain('3/3 histories | 100%');
      expect(output()).not.toMatch(/^audit: /m);
    });
  });

  describe('when given an invalid total or interval', () => {
    it('refuses at creation', () => {
      expect(() => createProgress(-1)).toThrow(RangeError);
      expect(() => createProgress(1.5)).toThrow(RangeError);
      expect(() => createProgress(10, process.stderr, { every: 0 })).toThrow(RangeError);
    });
  });
});
