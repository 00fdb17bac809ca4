import { requireFreshAt, statementFreshness } from '../../../core/operators/statementFreshness';
import { codeOf } from '../../support/codeOf';

const WINDOW = { statementMaxAgeSeconds: 300, clockSkewSeconds: 5 };
const NOW = new Date('2030-01-01T00:10:00.000Z');
const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('statementFreshness', () => {
  it('gives the first use its bound: the statement issue time and now less the window', () => {
    expect(statementFreshness(seconds('2030-01-01T00:09:00.000Z'), NOW, WINDOW)).toEqual({ issuedAt: '2030-01-01T00:09:00.000Z', freshSince: '2030-01-01T00:05:00.000Z' });
  });

  describe('when the statement was issued after now beyond the clock tolerance', () => {
    it('refuses it with STATEMENT_STALE, within the tolerance not', () => {
      expect(codeOf(() => statementFreshness(seconds('2030-01-01T00:10:06.000Z'), NOW, WINDOW))).toBe('STATEMENT_STALE');
      expect(statementFreshness(seconds('2030-01-01T00:10:05.000Z'), NOW, WINDOW).issuedAt).toBe('2030-01-01T00:10:05.000Z');
    });
  });

  describe('when the statement has no issue time', () => {
    it('refuses it with STATEMENT_STALE', () => {
      expect(codeOf(() => statementFreshness(0, NOW, WINDOW))).toBe('STATEMENT_STALE');
    });
  });
});

describe('requireFreshAt', () => {
  it('accepts a statement exactly as old as the window, and refuses one a second older (STATEMENT_STALE)', () => {
    expect(() => requireFreshAt(seconds('2030-01-01T00:05:00.000Z'), NOW, WINDOW)).not.toThrow();
    expect(codeOf(() => requireFreshAt(seconds('2030-01-01T00:04:59.000Z'), NOW, WINDOW))).toBe('STATEMENT_STALE');
  });
});
