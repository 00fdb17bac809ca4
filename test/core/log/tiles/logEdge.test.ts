import fc from 'fast-check';
import { consistencyProof } from '../../../../core/log/merkle/consistencyProof';
import { inclusionProof } from '../../../../core/log/merkle/inclusionProof';
import { treeRoot } from '../../../../core/log/merkle/treeHashes';
import { decodeEntryBundle, encodeEntryBundle } from '../../../../core/log/tiles/entryBundle';
import { appendToEdge, edgeRoot, EMPTY_EDGE, type LogEdge } from '../../../../core/log/tiles/logEdge';
import { computeOverTiles, tilesNeeded } from '../../../../core/log/tiles/tileHashes';
import { parseTilePath } from '../../../../core/log/tiles/tilePath';
import { entries, MemoryTree } from '../support/memoryTree';
import { MemoryStorage } from '../support/memoryStorage';

function appendAll(all: readonly Buffer[], batches: readonly number[], storage = new MemoryStorage()): { edge: LogEdge; storage: MemoryStorage; written: string[] } {
  let edge = EMPTY_EDGE;
  const written: string[] = [];
  let at = 0;
  for (const count of batches) {
    const result = appendToEdge(edge, all.slice(at, at + count));
    at += count;
    for (const file of result.files) {
      expect(storage.files.has(file.path)).toBe(false);
      written.push(file.path);
    }
    storage.write(result.files);
    edge = result.edge;
  }
  return { edge, storage, written };
}

describe('appending to a tiled log', () => {
  it('never writes a path twice, and its root and proofs over the tiles are the RFC 9162 tree\'s', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }), fc.nat(), fc.nat(), async (batches, a, b) => {
        const all = entries(batches.reduce((x, y) => x + y, 0));
        const tree = MemoryTree.of(all);
        const { edge, storage } = appendAll(all, batches);
        expect(edge.size).toBe(all.length);
        expect(edgeRoot(edge)).toEqual(treeRoot(tree));
        expect(await computeOverTiles(storage, edge.size, (t) => treeRoot(t))).toEqual(treeRoot(tree));
        const index = a % all.length;
        expect(await computeOverTiles(storage, edge.size, (t) => inclusionProof(t, index))).toEqual(inclusionProof(tree, index));
        // An older size the log checkpointed: proofs from it and at it, from the same tiles.
        const old = batches[0]!;
        if (old < all.length) expect(await computeOverTiles(storage, edge.size, (t) => consistencyProof(t, old))).toEqual(consistencyProof(tree, old));
        expect(await computeOverTiles(storage, old, (t) => inclusionProof(t, b % old, old))).toEqual(inclusionProof(tree, b % old, old));
      }),
      { seed: 6962, numRuns: 60 },
    );
  });

  it('writes the tiles of the spec example: 70,000 entries', () => {
    const { storage } = appendAll(entries(70000), [4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 368]);
    const names = [...storage.files.keys()].map((path) => ({ path, name: parseTilePath(path)! }));
    const full = (level: number | 'entries') => names.filter(({ name }) => name.level === level && name.width === 256).length;
    expect([full(0), full('entries'), full(1), full(2)]).toEqual([273, 273, 1, 0]);
    expect(storage.files.has('tile/0/273.p/112')).toBe(true);
    expect(storage.files.has('tile/entries/273.p/112')).toBe(true);
    expect(storage.files.has('tile/1/001.p/17')).toBe(true);
    expect(storage.files.has('tile/2/000.p/1')).toBe(true);
    expect(storage.files.get('tile/0/000')).toHaveLength(8192);
  });

  it('reads every tile a proof needs in one round: a dry run over zero hashes names them all', () => {
    expect(tilesNeeded(70000, (t) => inclusionProof(t, 12345)).length).toBeLessThanOrEqual(6);
    expect(tilesNeeded(0, (t) => treeRoot(t))).toEqual([]);
  });

  it('refuses a proof over tiles that are missing (LOG_CORRUPT)', async () => {
    const { storage } = appendAll(entries(300), [300]);
    storage.files.delete('tile/0/001.p/44');
    await expect(computeOverTiles(storage, 300, (t) => treeRoot(t))).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
  });
});

describe('entry bundles', () => {
  it('are big-endian uint16 lengths and bytes, and decode only at their width', () => {
    const bundle = encodeEntryBundle([Buffer.from('ab'), Buffer.alloc(0), Buffer.alloc(65535, 1)]);
    expect(bundle.subarray(0, 4)).toEqual(Buffer.from([0, 2, 0x61, 0x62]));
    expect(decodeEntryBundle(bundle, 3, 'b').map((entry) => entry.length)).toEqual([2, 0, 65535]);
    for (const bad of [() => decodeEntryBundle(bundle, 2, 'b'), () => decodeEntryBundle(bundle.subarray(0, bundle.length - 1), 3, 'b')]) {
      expect(() => bad()).toThrow(expect.objectContaining({ code: 'LOG_CORRUPT' }));
    }
    expect(() => encodeEntryBundle([Buffer.alloc(65536)])).toThrow(expect.objectContaining({ code: 'LOG_ENTRY_TOO_LARGE' }));
  });
});
