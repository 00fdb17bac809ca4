import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KeyStore } from '../../../core/keys/keyStore';

// The key store records when each key was the active signer, so an auditor can judge a
// signature's issue time years later (see audit/keys/auditKeySet.ts).

const directories: string[] = [];
function freshStore(clock: () => Date): { store: KeyStore; dir: string } {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'writ-keys-')), 'store');
  directories.push(path.dirname(dir));
  return { store: KeyStore.open(dir, { clock }), dir };
}
afterAll(() => {
  for (const dir of directories) fs.rmSync(dir, { recursive: true, force: true });
});

function clockAt(...instants: string[]): () => Date {
  let index = 0;
  return () => new Date(instants[Math.min(index++, instants.length - 1)]!);
}

describe('KeyStore signing periods', () => {
  describe('when a key is created, rotated out and retired', () => {
    it('records when each key started and stopped signing, and exports retired keys with theirs', async () => {
      const { store } = freshStore(clockAt('2030-01-01T00:00:00.000Z', '2030-02-01T00:00:00.000Z', '2030-03-01T00:00:00.000Z'));
      const first = await store.create();
      const second = await store.rotate();
      store.retire(first.kid);
      expect(store.exportKeyRecords().map(({ kid, status, activatedAt, deactivatedAt }) => ({ kid, status, activatedAt, deactivatedAt }))).toEqual([
        { kid: first.kid, status: 'retired', activatedAt: '2030-01-01T00:00:00.000Z', deactivatedAt: '2030-02-01T00:00:00.000Z' },
        { kid: second.kid, status: 'active', activatedAt: '2030-02-01T00:00:00.000Z', deactivatedAt: null },
      ]);
      expect(store.exportKeyRecords().every((r) => !('d' in r.publicJwk))).toBe(true);
      // The published set is unchanged by the new fields.
      expect(store.exportPublicJwks().keys.map((k) => k.kid)).toEqual([second.kid]);
    });

    it('ends the active key\'s period when it is retired, and never starts one for a key created verify-only', async () => {
      const { store } = freshStore(clockAt('2030-01-01T00:00:00.000Z', '2030-01-05T00:00:00.000Z', '2030-01-09T00:00:00.000Z'));
      const active = await store.create();
      const spare = await store.create();
      store.retire(active.kid);
      const records = new Map(store.exportKeyRecords().map((r) => [r.kid, r]));
      expect(records.get(active.kid)).toMatchObject({ activatedAt: '2030-01-01T00:00:00.000Z', deactivatedAt: '2030-01-09T00:00:00.000Z' });
      expect(records.get(spare.kid)).toMatchObject({ status: 'verify-only', activatedAt: null, deactivatedAt: null });
    });
  });

  describe('when the manifest was written before signing periods existed', () => {
    it('still reads, and reports the periods as unknown', async () => {
      const { store, dir } = freshStore(() => new Date('2030-01-01T00:00:00.000Z'));
      const key = await store.create();
      const file = path.join(dir, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: Record<string, unknown>[] };
      for (const entry of manifest.keys) delete entry['activatedAt'];
      fs.writeFileSync(file, JSON.stringify(manifest));
      expect(store.exportKeyRecords()).toEqual([expect.objectContaining({ kid: key.kid, status: 'active', activatedAt: null, deactivatedAt: null })]);
      expect((await store.loadSigningKey()).kid).toBe(key.kid);
    });

    it('rotates and retires without writing a manifest it would refuse, dating the old key from its creation', async () => {
      const { store, dir } = freshStore(clockAt('2030-01-01T00:00:00.000Z', '2030-02-01T00:00:00.000Z', '2030-03-01T00:00:00.000Z'));
      const first = await store.create();
      const second = await store.create();
      const file = path.join(dir, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: Record<string, unknown>[] };
      for (const entry of manifest.keys) delete entry['activatedAt'];
      fs.writeFileSync(file, JSON.stringify(manifest));
      await store.rotate();
      expect(store.exportKeyRecords()[0]).toMatchObject({ kid: first.kid, status: 'verify-only', activatedAt: '2030-01-01T00:00:00.000Z', deactivatedAt: '2030-03-01T00:00:00.000Z' });
      expect(store.retire(second.kid).status).toBe('retired');
      expect(store.list().map((k) => k.status)).toEqual(['verify-only', 'retired', 'active']);
    });
  });
});
