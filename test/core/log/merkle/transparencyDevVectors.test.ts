import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { isWritError } from '../../../../core/errors/writError';
import { verifyConsistency } from '../../../../core/log/merkle/verifyConsistency';
import { verifyInclusion } from '../../../../core/log/merkle/verifyInclusion';

// The RFC 6962 / 9162 proof vectors of transparency-dev/merkle (see the README beside
// them). Every file is a case: one that cannot be read or parsed fails the suite rather
// than being skipped, and the counts below fail if a file goes missing.
const VECTORS = resolve(__dirname, '../../../vectors/transparency-dev-merkle/testdata');
const EXPECTED = { inclusion: 98, consistency: 98 };

const base64Hash = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const proofList = z.array(base64Hash).nullable();
const InclusionCase = z.strictObject({
  // Some indices are uint64 values past 2^53 (a -1 wrapped around): read as numbers, they
  // must still be refused, which the verifier does for anything not a safe integer.
  leafIdx: z.number(),
  treeSize: z.number(),
  root: base64Hash,
  leafHash: base64Hash,
  proof: proofList,
  desc: z.string(),
  wantErr: z.boolean(),
});
const ConsistencyCase = z.strictObject({
  size1: z.number(),
  size2: z.number(),
  root1: base64Hash,
  root2: base64Hash,
  proof: proofList,
  desc: z.string(),
  wantErr: z.boolean(),
});

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      // Anything else in a vector folder is a case this suite would silently not run.
      if (!name.endsWith('.json')) throw new Error(`${path}: not a vector file`);
      return [path];
    });
}

const bytes = (text: string): Buffer => Buffer.from(text, 'base64');

/** Runs `check`; the case must throw LOG_PROOF_INVALID exactly when it wants an error. */
function expectOutcome(wantErr: boolean, check: () => void): void {
  let failure: unknown;
  try {
    check();
  } catch (error) {
    failure = error;
  }
  if (!wantErr) {
    expect(failure).toBeUndefined();
  } else {
    expect(isWritError(failure, 'LOG_PROOF_INVALID')).toBe(true);
  }
}

describe('the transparency-dev/merkle proof vectors', () => {
  const inclusion = jsonFiles(join(VECTORS, 'inclusion'));
  const consistency = jsonFiles(join(VECTORS, 'consistency'));

  it(`holds ${EXPECTED.inclusion} inclusion and ${EXPECTED.consistency} consistency cases, every one run below`, () => {
    expect({ inclusion: inclusion.length, consistency: consistency.length }).toEqual(EXPECTED);
  });

  describe('inclusion proofs (RFC 9162, section 2.1.3.2)', () => {
    it.each(inclusion.map((file) => [relative(VECTORS, file), file]))('%s', (_name, file) => {
      const vector = InclusionCase.parse(JSON.parse(readFileSync(file, 'utf8')));
      expectOutcome(vector.wantErr, () => verifyInclusion(vector.leafIdx, vector.treeSize, bytes(vector.leafHash), (vector.proof ?? []).map(bytes), bytes(vector.root)));
    });
  });

  describe('consistency proofs (RFC 9162, section 2.1.4.2)', () => {
    it.each(consistency.map((file) => [relative(VECTORS, file), file]))('%s', (_name, file) => {
      const vector = ConsistencyCase.parse(JSON.parse(readFileSync(file, 'utf8')));
      expectOutcome(vector.wantErr, () => verifyConsistency(vector.size1, vector.size2, (vector.proof ?? []).map(bytes), bytes(vector.root1), bytes(vector.root2)));
    });
  });
});
