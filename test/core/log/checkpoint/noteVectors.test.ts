import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { WRIT_ERROR_CODES, isWritError } from '../../../../core/errors/writError';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { Ed25519NoteVerifier } from '../../../../core/log/note/noteVerifier';
import { parseSignedNote } from '../../../../core/log/note/signedNote';
import { verifyNote } from '../../../../core/log/note/verifyNote';
import { generateNoteVectors, type NoteVector } from '../../../vectors/c2sp-note/generateNoteVectors';

// Signed notes and checkpoints as data, one folder per case (see the README there). Every
// folder runs; one missing a file, or a case.json that does not parse, fails the suite.
// Regenerate with `WRIT_REGENERATE_VECTORS=1 npx jest test/core/log/checkpoint/noteVectors`.
const DIR = resolve(__dirname, '../../../vectors/c2sp-note');
const regenerate = process.env['WRIT_REGENERATE_VECTORS'] === '1';

const CaseSpec = z.strictObject({
  kind: z.enum(['note', 'checkpoint']),
  origin: z.string().optional(),
  logKeys: z.array(z.string()),
  witnessKeys: z.array(z.string()).optional(),
  witnessesRequired: z.number().int().optional(),
  now: z.number().int(),
  expected: z.union([
    z.strictObject({ ok: z.literal(true), text: z.string().optional(), size: z.number().optional(), root: z.string().optional(), witnesses: z.array(z.string()).optional() }),
    z.strictObject({ ok: z.literal(false), code: z.enum(WRIT_ERROR_CODES) }),
  ]),
});

function caseFolders(): string[] {
  return readdirSync(DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

function write(vector: NoteVector): void {
  const dir = join(DIR, vector.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'note'), vector.note);
  writeFileSync(join(dir, 'case.json'), `${JSON.stringify(vector.spec, null, 2)}\n`);
  writeFileSync(join(dir, 'README.md'), `${vector.readme}\n`);
}

/** Runs one case as a verifier would; returns the outcome to compare with `expected`. */
function run(note: Buffer, spec: z.infer<typeof CaseSpec>): z.infer<typeof CaseSpec>['expected'] {
  const clock = () => new Date(spec.now * 1000);
  try {
    if (spec.kind === 'note') {
      const parsed = parseSignedNote(note);
      verifyNote(parsed, spec.logKeys.map((vkey) => Ed25519NoteVerifier.fromVerifierKey(vkey)));
      return { ok: true, text: parsed.text };
    }
    const verifier = CheckpointVerifier.fromVerifierKeys(
      { origin: spec.origin ?? '', logKeys: spec.logKeys, witnessKeys: spec.witnessKeys ?? [], witnessesRequired: spec.witnessesRequired ?? 0 },
      { clock },
    );
    const verified = verifier.verify(note);
    const outcome = { ok: true as const, size: verified.checkpoint.size, root: verified.checkpoint.root.toString('base64') };
    return verified.witnesses.length === 0 ? outcome : { ...outcome, witnesses: verified.witnesses.map((witness) => witness.name) };
  } catch (error) {
    if (!isWritError(error)) throw error;
    return { ok: false, code: error.code };
  }
}

(regenerate ? describe : describe.skip)('regenerating the note vectors', () => {
  it('writes every case folder under test/vectors/c2sp-note', () => {
    for (const vector of generateNoteVectors()) write(vector);
  });
});

describe('signed-note and tlog-checkpoint vectors', () => {
  const folders = caseFolders();
  const generated = generateNoteVectors();

  it('holds exactly the generated cases, byte for byte, so none is stale or skipped', () => {
    expect(folders).toEqual(generated.map((vector) => vector.name).sort());
    for (const vector of generated) {
      const dir = join(DIR, vector.name);
      expect({ name: vector.name, note: readFileSync(join(dir, 'note')).toString('base64') }).toEqual({ name: vector.name, note: vector.note.toString('base64') });
      expect(readFileSync(join(dir, 'case.json'), 'utf8')).toBe(`${JSON.stringify(vector.spec, null, 2)}\n`);
    }
  });

  it.each(folders)('%s', (name) => {
    const dir = join(DIR, name);
    for (const file of ['note', 'case.json', 'README.md']) expect(existsSync(join(dir, file))).toBe(true);
    const spec = CaseSpec.parse(JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')));
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    // The folder name, the README and the expected outcome say the same thing.
    if (name.endsWith('_fail')) {
      expect(spec.expected.ok).toBe(false);
      expect(readme).toMatch(new RegExp(`^Must fail with ${spec.expected.ok ? '-' : spec.expected.code}: `));
    } else {
      expect(spec.expected.ok).toBe(true);
      expect(readme).toMatch(/^Must pass: /);
    }
    expect(run(readFileSync(join(dir, 'note')), spec)).toEqual(spec.expected);
  });
});
