import { decodeTileIndex, encodeTileIndex, entryBundlePath, parseTilePath, tilePath, tileWidthAt } from '../../../../core/log/tiles/tilePath';

describe('tile paths (c2sp.org/tlog-tiles)', () => {
  it('encode an index as 3-digit elements, all but the last with an x', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(encodeTileIndex(5)).toBe('005');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(2, 1, 17)).toBe('tile/2/001.p/17');
    expect(entryBundlePath(273, 112)).toBe('tile/entries/273.p/112');
  });

  it('read back exactly the paths they write, and nothing else', () => {
    for (const index of [0, 7, 999, 1000, 1234067, 2 ** 40]) {
      expect(decodeTileIndex(encodeTileIndex(index))).toBe(index);
      expect(parseTilePath(tilePath(3, index, 9))).toEqual({ level: 3, index, width: 9 });
      expect(parseTilePath(entryBundlePath(index))).toEqual({ level: 'entries', index, width: 256 });
    }
    for (const path of ['tile/0/5', 'tile/0/x000/005', 'tile/00/005', 'tile/0/005.p/0', 'tile/0/005.p/256', 'tile/0/005.p/007', 'tile/64/000', 'tile/0/005/']) expect(parseTilePath(path)).toBeUndefined();
  });

  it('size the tiles of the spec example, a tree of 70,000 entries', () => {
    // 273 full level-0 tiles and a partial of 112; level 1 one full and a partial of 17; level 2 a partial of 1.
    expect([tileWidthAt(70000, 0, 272), tileWidthAt(70000, 0, 273), tileWidthAt(70000, 0, 274)]).toEqual([256, 112, 0]);
    expect([tileWidthAt(70000, 1, 0), tileWidthAt(70000, 1, 1), tileWidthAt(70000, 2, 0)]).toEqual([256, 17, 1]);
    expect([tileWidthAt(256, 0, 0), tileWidthAt(256, 1, 0)]).toEqual([256, 1]);
  });
});
