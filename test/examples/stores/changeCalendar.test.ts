import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWritError } from '../../../core/errors/writError';
import { ChangeCalendar } from '../../../examples/infrastructure/changeCalendar';
import { expectWritError } from './expectWritError';

describe('ChangeCalendar', () => {
  let dir: string;
  let file: string;
  let now: Date;
  let calendar: ChangeCalendar;

  const startsAt = new Date('2030-03-01T22:00:00.000Z');
  const endsAt = new Date('2030-03-02T02:00:00.000Z');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-calendar-'));
    file = join(dir, 'calendar.sqlite');
    now = new Date('2030-03-01T12:00:00.000Z');
    calendar = ChangeCalendar.open(file, { clock: () => now });
    calendar.addWindow({ environment: 'production', startsAt, endsAt, reason: 'weekly maintenance' });
  });

  afterEach(() => {
    calendar.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('with the injected clock', () => {
    it('answers for the clock’s now, and follows it as it moves', () => {
      expect(calendar.isInWindow('production')).toBe(false);
      now = new Date('2030-03-01T23:30:00.000Z');
      expect(calendar.isInWindow('production')).toBe(true);
      now = new Date('2030-03-02T02:00:00.000Z');
      expect(calendar.isInWindow('production')).toBe(false);
    });

    it('treats the start as inside and the end as outside', () => {
      expect(calendar.isInWindow('production', startsAt)).toBe(true);
      expect(calendar.isInWindow('production', new Date(startsAt.getTime() - 1))).toBe(false);
      expect(calendar.isInWindow('production', new Date(endsAt.getTime() - 1))).toBe(true);
      expect(calendar.isInWindow('production', endsAt)).toBe(false);
    });

    it('lets an explicit instant override the clock', () => {
      now = new Date('2030-03-01T23:00:00.000Z');
      expect(calendar.isInWindow('production', new Date('2030-03-05T00:00:00.000Z'))).toBe(false);
    });
  });

  describe('when another environment has no window', () => {
    it('is closed there even while production is open', () => {
      now = new Date('2030-03-01T23:00:00.000Z');
      expect(calendar.isInWindow('staging')).toBe(false);
      expect(calendar.findWindow('staging')).toBeUndefined();
    });
  });

  describe('findWindow', () => {
    it('names the earliest-starting open window, so a policy can bind it', () => {
      const later = calendar.addWindow({
        environment: 'production',
        startsAt: new Date('2030-03-01T23:00:00.000Z'),
        endsAt: new Date('2030-03-02T05:00:00.000Z'),
        reason: 'hotfix',
      });
      const first = calendar.listWindows()[0];
      expect(calendar.findWindow('production', new Date('2030-03-01T23:30:00.000Z'))?.windowId).toBe(first?.windowId);
      expect(calendar.findWindow('production', new Date('2030-03-02T03:00:00.000Z'))?.windowId).toBe(later.windowId);
    });
  });

  describe('when a window is invalid', () => {
    it('refuses one that ends before it starts, naming endsAt', () => {
      let thrown: unknown;
      try {
        calendar.addWindow({ environment: 'production', startsAt: endsAt, endsAt: startsAt, reason: 'backwards' });
      } catch (error) {
        thrown = error;
      }
      expect(isWritError(thrown, 'INPUT_INVALID')).toBe(true);
      if (isWritError(thrown)) expect(thrown.issues.map((issue) => issue.path)).toEqual(['endsAt']);
      expect(calendar.listWindows()).toHaveLength(1);
    });

    it('refuses an empty window and an invalid date', () => {
      expectWritError(() => calendar.addWindow({ environment: 'p', startsAt, endsAt: startsAt, reason: 'empty' }), 'INPUT_INVALID');
      expectWritError(
        () => calendar.addWindow({ environment: 'p', startsAt: new Date('nonsense'), endsAt, reason: 'bad' }),
        'INPUT_INVALID',
      );
    });

    it('refuses to check an invalid instant rather than answering "closed"', () => {
      expectWritError(() => calendar.isInWindow('production', new Date('nonsense')), 'INPUT_INVALID');
    });
  });

  describe('listWindows', () => {
    it('round-trips windows through the file', () => {
      calendar.addWindow({
        environment: 'staging',
        startsAt: new Date('2030-02-01T00:00:00.000Z'),
        endsAt: new Date('2030-02-02T00:00:00.000Z'),
        reason: 'load test',
      });
      calendar.close();
      calendar = ChangeCalendar.open(file, { clock: () => now });
      expect(calendar.listWindows()).toEqual([
        {
          windowId: expect.stringMatching(/^win_/),
          environment: 'staging',
          startsAt: new Date('2030-02-01T00:00:00.000Z'),
          endsAt: new Date('2030-02-02T00:00:00.000Z'),
          reason: 'load test',
        },
        { windowId: expect.stringMatching(/^win_/), environment: 'production', startsAt, endsAt, reason: 'weekly maintenance' },
      ]);
    });
  });
});
