import fc from 'fast-check';
import { EMPTY_ROOT, leafHash } from '../../../../core/log/merkle/hashes';
import { consistencyProof } from '../../../../core/log/merkle/consistencyProof';
import { inclusionProof } from '../../../../core/log/merkle/inclusionProof';
import { treeRoot } from '../../../../core/log/merkle/treeHashes';
import { largestPowerOfTwoBelow } from '../../../../core/log/merkle/treeSize';
import { verifyConsistency } from '../../../../core/log/merkle/verifyConsistency';
import { verifyInclusion } from '../../../../core/log/merkle/verifyInclusion';
import { entries, MemoryTree, referenceHash } from '../support/memoryTree';
import { codeOf } from '../../../support/codeOf';

const SEED = 9162;


describe('Merkle tree hashing (RFC 9162, section 2.1.1)', () => {
  it('hashes the empty tree as SHA-256 of nothing, and a leaf with the 0x00 prefix', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // RFC 6962's test data: the leaf hash of the empty entry.
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  it('computes the root of RFC 6962 test data (eight leaves) as the reference implementation does', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) => Buffer.from(hex, 'hex'));
    const tree = MemoryTree.of(leaves);
    expect(treeRoot(tree).toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('splits a tree at the largest power of two below its size, exactly, up to 2^53', () => {
    expect([2, 3, 4, 5, 8, 9, 2 ** 31 + 1, 2 ** 52 + 1, 2 ** 53 - 1].map(largestPowerOfTwoBelow)).toEqual([1, 2, 2, 4, 4, 8, 2 ** 31, 2 ** 52, 2 ** 52]);
  });
});

describe('inclusion and consistency proofs, generated and verified', () => {
  it('agree with the definition for every index and pair of sizes of trees up to 40 leaves', () => {
    const tree = MemoryTree.of(entries(40));
    for (let size = 1; size <= 40; size += 1) {
      const root = referenceHash(tree.leaves.slice(0, size));
      expect(treeRoot(tree, size)).toEqual(root);
      for (let index = 0; index < size; index += 1) verifyInclusion(index, size, tree.leaves[index]!, inclusionProof(tree, index, size), root);
      for (let old = 1; old <= size; old += 1) verifyConsistency(old, size, consistencyProof(tree, old, size), treeRoot(tree, old), root);
    }
  });

  it('verify on random trees, and refuse any flipped bit, wrong index or wrong old root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.nat(), fc.nat(), fc.nat(), (size, a, b, flip) => {
        const tree = MemoryTree.of(entries(size));
        const index = a % size;
        const old = 1 + (b % (size - 1));
        const root = treeRoot(tree);
        const inclusion = inclusionProof(tree, index);
        verifyInclusion(index, size, tree.leaves[index]!, inclusion, root);
        const consistency = consistencyProof(tree, old);
        verifyConsistency(old, size, consistency, treeRoot(tree, old), root);

        expect(codeOf(() => verifyInclusion((index + 1) % size, size, tree.leaves[index]!, inclusion, root))).toBe('LOG_PROOF_INVALID');
        // (A wrong size alone may verify: leaf 0 has the same path in trees of 5 and 6. The
        // root binds the size only through the signed checkpoint that states both.)
        const otherOld = treeRoot(MemoryTree.of(entries(old, 'other')));
        expect(codeOf(() => verifyConsistency(old, size, consistency, otherOld, root))).toBe('LOG_PROOF_INVALID');
        if (inclusion.length > 0) {
          const tampered = inclusion.map((hash) => Buffer.from(hash));
          const at = flip % tampered.length;
          tampered[at]![flip % 32]! ^= 1 << flip % 8;
          expect(codeOf(() => verifyInclusion(index, size, tree.leaves[index]!, tampered, root))).toBe('LOG_PROOF_INVALID');
        }
        if (consistency.length > 0) {
          const tampered = consistency.map((hash) => Buffer.from(hash));
          tampered[flip % tampered.length]![flip % 32]! ^= 1 << flip % 8;
          expect(codeOf(() => verifyConsistency(old, size, tampered, treeRoot(tree, old), root))).toBe('LOG_PROOF_INVALID');
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  describe('when asked for a proof the tree cannot give', () => {
    const tree = MemoryTree.of(entries(10));
    it('refuses an index beyond the tree (LOG_ENTRY_NOT_FOUND) and a size beyond the log (LOG_PROOF_INVALID)', () => {
      expect(codeOf(() => inclusionProof(tree, 10, 10))).toBe('LOG_ENTRY_NOT_FOUND');
      expect(codeOf(() => inclusionProof(tree, 0, 11))).toBe('LOG_PROOF_INVALID');
    });
    it('refuses a consistency proof from size 0, or backwards', () => {
      expect(codeOf(() => consistencyProof(tree, 0, 5))).toBe('LOG_PROOF_INVALID');
      expect(codeOf(() => consistencyProof(tree, 6, 5))).toBe('LOG_PROOF_INVALID');
    });
    it('refuses sizes that are not safe integers', () => {
      expect(codeOf(() => verifyInclusion(2 ** 53, 2 ** 53 + 2, tree.leaves[0]!, [], treeRoot(tree)))).toBe('LOG_PROOF_INVALID');
      expect(codeOf(() => verifyInclusion(0.5, 2, tree.leaves[0]!, [], treeRoot(tree)))).toBe('LOG_PROOF_INVALID');
    });
  });
});
