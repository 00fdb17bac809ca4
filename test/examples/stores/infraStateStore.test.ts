import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraStateStore } from '../../../examples/infrastructure/infraStateStore';
import { expectWritError } from './expectWritError';

describe('InfraStateStore', () => {
  let dir: string;
  let file: string;
  let store: InfraStateStore;
  const change = { environment: 'production', service: 'web', change: 'scale to 6 replicas', idempotencyKey: 'run-9/act-3' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-infra-'));
    file = join(dir, 'infra.sqlite');
    store = InfraStateStore.open(file, { clock: () => new Date('2030-04-01T00:00:00.000Z') });
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when a change is applied twice with the same idempotency key', () => {
    it('records it once and replays the first change id', () => {
      const first = store.applyChange(change);
      const second = store.applyChange(change);
      expect(first).toEqual({ changeId: expect.stringMatching(/^chg_/), replayed: false });
      expect(second).toEqual({ changeId: first.changeId, replayed: true });
      expect(store.countChangesByKey(change.idempotencyKey)).toBe(1);
      expect(store.listChanges()).toEqual([
        { ...change, changeId: first.changeId, appliedAt: '2030-04-01T00:00:00.000Z' },
      ]);
    });
  });

  describe('when a used key arrives with a different change', () => {
    it('refuses with IDEMPOTENCY_KEY_CONFLICT', () => {
      store.applyChange(change);
      expectWritError(() => store.applyChange({ ...change, change: 'scale to 60 replicas' }), 'IDEMPOTENCY_KEY_CONFLICT');
      expectWritError(() => store.applyChange({ ...change, environment: 'staging' }), 'IDEMPOTENCY_KEY_CONFLICT');
      expect(store.listChanges()).toHaveLength(1);
    });
  });

  describe('when the input is invalid', () => {
    it('refuses a missing service or key with INPUT_INVALID and records nothing', () => {
      expectWritError(() => store.applyChange({ ...change, service: '' }), 'INPUT_INVALID');
      expectWritError(() => store.applyChange({ ...change, idempotencyKey: '' }), 'INPUT_INVALID');
      expect(store.listChanges()).toEqual([]);
    });
  });

  describe('when two handles open the same file', () => {
    it('applies a change once whichever handle acts', () => {
      const other = InfraStateStore.open(file);
      try {
        const first = other.applyChange(change);
        expect(store.applyChange(change)).toEqual({ changeId: first.changeId, replayed: true });
        store.applyChange({ ...change, idempotencyKey: 'run-9/act-4' });
        expect(other.listChanges().map((c) => c.idempotencyKey)).toEqual(['run-9/act-3', 'run-9/act-4']);
      } finally {
        other.close();
      }
    });
  });
});
