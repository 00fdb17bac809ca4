import type { GovernanceStore } from '../../../core/governance/governanceStore';
import type { ChainAdvance, HandoffOffer } from '../../../core/governance/runRegistry';
import { freshStorePerCase } from '../../support/governance/freshStorePerCase';
import { postgresBackend, sqliteBackend } from '../../support/governance/storeBackends';
import { registration } from '../../support/governance/storeFixtures';
import { raceStoreProcesses } from '../../support/governance/storeProcesses';

// The run registry on both backends: SQLite (a file in a temporary directory) and
// PostgreSQL (a real server the suite starts, a fresh database per case).

const link = (sequence: number, previous: string | null, next: string, by = `writ-step-${sequence}.1`): ChainAdvance => ({
  namespace: 'payments',
  runId: 'run-1',
  claimed: { sequence, previous },
  next,
  by,
});
const offer: HandoffOffer = { handoffId: 'run-1:writ.handOff-1', namespace: 'payments', fromRunId: 'run-1', toWorkflowId: 'child-1', kind: 'child', offeredAt: '2030-01-01T00:00:05.000Z' };
const claim = { handoffId: offer.handoffId, namespace: 'payments', workflowId: 'child-1', runId: 'child-run-1', claimedAt: '2030-01-01T00:00:06.000Z' };

describe.each([sqliteBackend(), postgresBackend()])('the run registry of the $name governance store', (backend) => {
  const fresh = freshStorePerCase(backend);

  describe('when a run is registered', () => {
    it('answers its identity and an empty chain, through this store and another on the same database', async () => {
      await expect(fresh.store.registerRun(registration)).resolves.toEqual({ ...registration, chain: { sequence: 0, head: null } });
      const other = await fresh.openAnother();
      await expect(other.registeredRun('payments', 'run-1')).resolves.toEqual({ ...registration, chain: { sequence: 0, head: null } });
      await expect(other.registeredRun('elsewhere', 'run-1')).resolves.toBeUndefined();
      await expect(other.registeredRun('payments', 'run-2')).resolves.toBeUndefined();
    });

    it('returns the first registration when the identity check is retried, and refuses another identity', async () => {
      await fresh.store.registerRun(registration);
      await expect(fresh.store.registerRun({ ...registration, registeredAt: '2030-01-01T00:00:09.000Z' })).resolves.toMatchObject({ registeredAt: registration.registeredAt });
      await expect(fresh.store.registerRun({ ...registration, identity: { ...registration.identity, principal: 'mallory', tokenDigest: 'sha256:t2' } })).rejects.toMatchObject({
        code: 'RUN_ALREADY_VERIFIED',
        facts: { principal: 'alice' },
      });
      await expect(fresh.store.registeredRun('payments', 'run-1')).resolves.toMatchObject({ identity: { principal: 'alice' } });
    });
  });

  describe('when authorizations advance the chain', () => {
    it('takes each link once, in order, and refuses a claim that does not follow the head', async () => {
      await fresh.store.registerRun(registration);
      await expect(fresh.store.advanceChain(link(1, null, 'sha256:a1'))).resolves.toEqual({ sequence: 1, head: 'sha256:a1' });
      // Another authorization claiming the link already taken (a second request racing, a replayed lineage).
      await expect(fresh.store.advanceChain(link(1, null, 'sha256:b1', 'writ-step-2.1'))).rejects.toMatchObject({ code: 'LINEAGE_HEAD_MISMATCH', facts: { sequence: 1, head: 'sha256:a1' } });
      // A claim that skips ahead, or follows an artifact the run never had.
      await expect(fresh.store.advanceChain(link(3, 'sha256:a1', 'sha256:a3'))).rejects.toMatchObject({ code: 'LINEAGE_HEAD_MISMATCH' });
      await expect(fresh.store.advanceChain(link(2, 'sha256:forged', 'sha256:a2'))).rejects.toMatchObject({ code: 'LINEAGE_HEAD_MISMATCH' });
      await expect((await fresh.openAnother()).advanceChain(link(2, 'sha256:a1', 'sha256:a2'))).resolves.toEqual({ sequence: 2, head: 'sha256:a2' });
      await expect(fresh.store.registeredRun('payments', 'run-1')).resolves.toMatchObject({ chain: { sequence: 2, head: 'sha256:a2' } });
    });

    it('lets the same authorize activity, retried, take its link again, and no other', async () => {
      await fresh.store.registerRun(registration);
      await fresh.store.advanceChain(link(1, null, 'sha256:lost'));
      await expect(fresh.store.advanceChain(link(1, null, 'sha256:a1'))).resolves.toEqual({ sequence: 1, head: 'sha256:a1' });
      await expect(fresh.store.registeredRun('payments', 'run-1')).resolves.toMatchObject({ chain: { sequence: 1, head: 'sha256:a1' } });
      await fresh.store.advanceChain(link(2, 'sha256:a1', 'sha256:a2'));
      // Once the next link is taken, the earlier activity's retry no longer follows.
      await expect(fresh.store.advanceChain(link(1, null, 'sha256:late'))).rejects.toMatchObject({ code: 'LINEAGE_HEAD_MISMATCH' });
    });

    it('refuses a run that never passed the identity check', async () => {
      await expect(fresh.store.advanceChain(link(1, null, 'sha256:a1'))).rejects.toMatchObject({ code: 'RUN_NOT_VERIFIED', facts: { runId: 'run-1' } });
      await expect(fresh.store.registeredRun('payments', 'run-1')).resolves.toBeUndefined();
    });

    it('lets exactly one of several processes racing for the same link take it', async () => {
      await fresh.store.registerRun(registration);
      const outcomes = await raceStoreProcesses(
        [0, 1, 2, 3].map((i) => ({ config: fresh.location.config, dataDir: fresh.location.dataDir, op: 'advanceChain' as const, advance: link(1, null, `sha256:p${i}`, `writ-step-${i}.1`) })),
      );
      const flat = outcomes.flat();
      expect(flat.filter((outcome) => 'value' in outcome)).toHaveLength(1);
      expect(flat.filter((outcome) => 'code' in outcome)).toEqual(Array(3).fill({ code: 'LINEAGE_HEAD_MISMATCH' }));
      const winner = flat.findIndex((outcome) => 'value' in outcome);
      await expect(fresh.store.registeredRun('payments', 'run-1')).resolves.toMatchObject({ chain: { sequence: 1, head: `sha256:p${winner}` } });
    });
  });

  describe('when a run hands its identity on', () => {
    it('registers the receiving run with the offering run\'s identity and chain head as its parent link', async () => {
      await fresh.store.registerRun(registration);
      await fresh.store.advanceChain(link(1, null, 'sha256:a1'));
      await expect(fresh.store.offerHandoff(offer)).resolves.toEqual({ handoffId: offer.handoffId, parent: 'sha256:a1' });
      // An offer retried keeps the first head, even after the chain moved on.
      await fresh.store.advanceChain(link(2, 'sha256:a1', 'sha256:a2'));
      await expect(fresh.store.offerHandoff(offer)).resolves.toEqual({ handoffId: offer.handoffId, parent: 'sha256:a1' });
      const child = await (await fresh.openAnother()).claimHandoff(claim);
      expect(child).toEqual({
        namespace: 'payments',
        workflowId: 'child-1',
        runId: 'child-run-1',
        identity: registration.identity,
        origin: 'child',
        parent: 'sha256:a1',
        registeredAt: claim.claimedAt,
        chain: { sequence: 0, head: null },
      });
      // The same run claiming again (its identity check retried) gets its registration back.
      await expect(fresh.store.claimHandoff(claim)).resolves.toEqual(child);
    });

    it('refuses a hand-off taken up by another run, offered to another workflow, or never offered', async () => {
      await fresh.store.registerRun(registration);
      await fresh.store.offerHandoff(offer);
      await fresh.store.claimHandoff(claim);
      await expect(fresh.store.claimHandoff({ ...claim, runId: 'child-run-2' })).rejects.toMatchObject({ code: 'HANDOFF_REPLAYED', facts: { claimedBy: 'child-run-1' } });
      await expect(fresh.store.claimHandoff({ ...claim, workflowId: 'other-wf', runId: 'r3' })).rejects.toMatchObject({ code: 'HANDOFF_INVALID' });
      await expect(fresh.store.claimHandoff({ ...claim, namespace: 'elsewhere', runId: 'r4' })).rejects.toMatchObject({ code: 'HANDOFF_INVALID' });
      await expect(fresh.store.claimHandoff({ ...claim, handoffId: 'run-1:never', runId: 'r5' })).rejects.toMatchObject({ code: 'HANDOFF_INVALID' });
      for (const runId of ['child-run-2', 'r3', 'r4', 'r5']) await expect(fresh.store.registeredRun('payments', runId)).resolves.toBeUndefined();
    });

    it('refuses an offer from a run that never passed the identity check', async () => {
      await expect(fresh.store.offerHandoff(offer)).rejects.toMatchObject({ code: 'RUN_NOT_VERIFIED' });
      await expect(fresh.store.claimHandoff(claim)).rejects.toMatchObject({ code: 'HANDOFF_INVALID' });
    });

    it('lets exactly one of several processes racing to take up a hand-off have it', async () => {
      await fresh.store.registerRun(registration);
      await fresh.store.offerHandoff(offer);
      const outcomes = await raceStoreProcesses(
        [0, 1, 2, 3].map((i) => ({ config: fresh.location.config, dataDir: fresh.location.dataDir, op: 'claimHandoff' as const, claim: { ...claim, runId: `racer-${i}` } })),
      );
      const flat = outcomes.flat();
      expect(flat.filter((outcome) => 'value' in outcome)).toHaveLength(1);
      expect(flat.filter((outcome) => 'code' in outcome)).toEqual(Array(3).fill({ code: 'HANDOFF_REPLAYED' }));
    });
  });

  describe('when identities expire', () => {
    it('forgets expired runs and their hand-offs, and nothing else', async () => {
      await fresh.store.registerRun(registration);
      await fresh.store.offerHandoff(offer);
      await fresh.store.registerRun({ ...registration, runId: 'run-late', identity: { ...registration.identity, expiresAt: Date.parse('2032-01-01T00:00:00.000Z') / 1000 } });
      await expect(fresh.store.pruneExpired(new Date('2031-06-01T00:00:00.000Z'))).resolves.toBe(2);
      await expect(fresh.store.registeredRun('payments', 'run-1')).resolves.toBeUndefined();
      await expect(fresh.store.registeredRun('payments', 'run-late')).resolves.toMatchObject({ runId: 'run-late' });
      await expect(fresh.store.claimHandoff(claim)).rejects.toMatchObject({ code: 'HANDOFF_INVALID' });
    });
  });
});
