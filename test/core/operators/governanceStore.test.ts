import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GovernanceStore } from '../../../core/operators/governanceStore';
import { expectWritError } from '../../examples/stores/expectWritError';

describe('GovernanceStore', () => {
  let dir: string;
  let file: string;
  let store: GovernanceStore;
  const change = (namespace: string, engaged: boolean, at: string) => ({
    namespace,
    engaged,
    at,
    by: 'ops@example.com',
    reason: `${engaged ? 'engage' : 'release'} ${namespace} at ${at}`,
    statementDigest: `sha256:${at}`,
  });
  const revocation = { workflowId: 'wf-1', runId: 'run-1', revokedAt: '2030-01-01T00:00:00.000Z', revokedBy: 'ops@example.com', reason: 'compromised', statementDigest: 'sha256:r1' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-governance-'));
    file = join(dir, 'governance.sqlite');
    store = GovernanceStore.open(file);
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when kill-switch changes of several namespaces interleave', () => {
    it("reports each namespace's latest change, through this connection and through another one on the file", () => {
      store.setKillSwitch(change('payments', true, '2030-01-01T00:00:01.000Z'));
      store.setKillSwitch(change('infra', true, '2030-01-01T00:00:02.000Z'));
      store.setKillSwitch(change('payments', false, '2030-01-01T00:00:03.000Z'));
      store.setKillSwitch(change('infra', false, '2030-01-01T00:00:04.000Z'));
      store.setKillSwitch(change('infra', true, '2030-01-01T00:00:05.000Z'));
      const reopened = GovernanceStore.open(file);
      try {
        for (const reader of [store, reopened]) {
          expect(reader.killSwitch('payments')).toEqual({ engaged: false, since: '2030-01-01T00:00:03.000Z', by: 'ops@example.com', reason: 'release payments at 2030-01-01T00:00:03.000Z' });
          expect(reader.killSwitch('infra')).toEqual({ engaged: true, since: '2030-01-01T00:00:05.000Z', by: 'ops@example.com', reason: 'engage infra at 2030-01-01T00:00:05.000Z' });
          expect(reader.killSwitch('elsewhere')).toEqual({ engaged: false, since: null, by: null, reason: null });
        }
      } finally {
        reopened.close();
      }
      expectWritError(() => store.requireStanding('infra', 'run-1'), 'KILL_SWITCH_ENGAGED');
      expect(() => store.requireStanding('payments', 'run-1')).not.toThrow();
    });
  });

  describe('when a run is revoked twice', () => {
    it('keeps the first revocation and stops the run in every namespace', () => {
      expect(store.revoke(revocation)).toEqual(revocation);
      expect(store.revoke({ ...revocation, reason: 'again', revokedAt: '2030-01-02T00:00:00.000Z' })).toEqual(revocation);
      expect(store.revocation('run-1')).toEqual(revocation);
      expect(store.revocation('run-2')).toBeUndefined();
      expectWritError(() => store.requireStanding('payments', 'run-1'), 'AUTHORITY_REVOKED');
      expect(() => store.requireStanding('payments', 'run-2')).not.toThrow();
    });
  });

  describe('when the store is closed under a reader', () => {
    it('answers GOVERNANCE_STORE_UNAVAILABLE, never "not revoked"', () => {
      store.close();
      expectWritError(() => store.requireStanding('payments', 'run-1'), 'GOVERNANCE_STORE_UNAVAILABLE');
      store = GovernanceStore.open(file);
    });
  });
});
