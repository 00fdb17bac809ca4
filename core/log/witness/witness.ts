import { hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { WritError } from '../../errors/writError';
import { checkConsistency } from '../checkpoint/checkConsistency';
import type { Checkpoint } from '../checkpoint/checkpoint';
import { CheckpointVerifier, type VerifiedCheckpoint } from '../checkpoint/checkpointVerifier';
import { Cosigner } from '../checkpoint/cosignature';
import { EMPTY_ROOT } from '../merkle/hashes';
import { generateNoteKey } from '../note/noteSigner';
import { parseVerifierKey, requireKeyName, SIGNATURE_TYPE } from '../note/noteKeys';
import { parseSignedNote } from '../note/signedNote';
import { signatureLine } from '../note/signNote';
import { writeFilesDurably } from '../storage/durableFiles';
import { WriterLock } from '../storage/writerLock';
import { parseAddCheckpointRequest, type AddCheckpointRequest } from './addCheckpointRequest';

const KEY_FILE = 'witness.key';
const CONFIG_FILE = 'witness.json';
const STATE_DIR = 'state';

const WitnessConfigSchema = z.strictObject({
  name: z.string().min(1),
  /** The logs this witness cosigns, by origin, with the keys their checkpoints are signed with. */
  logs: z.array(z.strictObject({ origin: z.string().min(1), keys: z.array(z.string()).min(1) })),
});

/** A witness directory's configuration: its name and the logs it watches. */
export type WitnessConfig = z.infer<typeof WitnessConfigSchema>;

/** What a witness answers a valid request with. */
export interface Cosigned {
  /** The cosignature line, as tlog-witness's add-checkpoint response carries it (without its newline). */
  readonly cosignature: string;
  /** The submitted checkpoint with the cosignature added: what the log publishes. */
  readonly note: string;
  readonly checkpoint: Checkpoint;
}

/**
 * A witness (c2sp.org/tlog-witness): for each log it knows, it keeps the latest checkpoint
 * it cosigned, and cosigns a new one only when a consistency proof shows that the new one
 * extends it, so a log that forks or rolls back cannot get both views cosigned. Its
 * directory holds its key (`witness.key`, 0600), the logs it trusts (`witness.json`) and
 * the latest cosigned checkpoint per log (`state/<sha256 of the origin>`), written
 * durably before a cosignature is returned. One process per directory (LOG_LOCKED), and
 * requests within it run one at a time, so the check of the old size and the update are
 * atomic, as the spec requires.
 */
export class Witness {
  readonly directory: string;
  readonly #cosigner: Cosigner;
  readonly #config: WitnessConfig;
  readonly #verifiers: Map<string, CheckpointVerifier>;
  readonly #lock: WriterLock;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(directory: string, cosigner: Cosigner, config: WitnessConfig, lock: WriterLock) {
    this.directory = directory;
    this.#cosigner = cosigner;
    this.#config = config;
    this.#lock = lock;
    this.#verifiers = new Map(config.logs.map((log) => [log.origin, CheckpointVerifier.fromVerifierKeys({ origin: log.origin, logKeys: log.keys })]));
  }

  /**
   * Creates a witness named `name` in `directory`, with a new cosigning key, trusting the
   * logs whose keys are `logKeys` (each log's origin is its key's name, as Writ's logs
   * have it). Returns the witness's verifier key (type 0x04). LOG_ALREADY_EXISTS if the
   * directory already holds a witness.
   */
  static async create(directory: string, name: string, logKeys: readonly string[]): Promise<string> {
    requireKeyName(name);
    const absolute = path.resolve(directory);
    const logs = new Map<string, string[]>();
    for (const vkey of logKeys) {
      const key = parseVerifierKey(vkey, SIGNATURE_TYPE.ed25519);
      logs.set(key.name, [...(logs.get(key.name) ?? []), vkey]);
    }
    mkdirSync(absolute, { recursive: true, mode: 0o700 });
    const lock = WriterLock.acquire(absolute, 'the witness');
    try {
      if (existsSync(path.join(absolute, KEY_FILE))) throw new WritError('LOG_ALREADY_EXISTS', `${absolute} already holds a witness`);
      const pair = generateNoteKey(name, SIGNATURE_TYPE.cosignatureV1);
      const config: WitnessConfig = { name, logs: [...logs].map(([origin, keys]) => ({ origin, keys })) };
      await writeFilesDurably(absolute, [{ path: CONFIG_FILE, data: Buffer.from(`${JSON.stringify(config, null, 2)}\n`) }]);
      await writeFilesDurably(absolute, [{ path: KEY_FILE, data: Buffer.from(`${pair.privateKey}\n`), mode: 0o600 }]);
      return pair.verifierKey;
    } finally {
      lock.release();
    }
  }

  /** Opens the witness in `directory` as its one process; `clock` stamps its cosignatures. */
  static open(directory: string, clock: () => Date = () => new Date()): Witness {
    const absolute = path.resolve(directory);
    if (!existsSync(path.join(absolute, KEY_FILE))) throw new WritError('LOG_NOT_FOUND', `no witness in ${absolute}: create one with \`writ log witness init\``);
    const lock = WriterLock.acquire(absolute, 'the witness');
    try {
      const parsed = WitnessConfigSchema.safeParse(JSON.parse(readFileSync(path.join(absolute, CONFIG_FILE), 'utf8')));
      if (!parsed.success) throw new WritError('LOG_KEY_INVALID', `${path.join(absolute, CONFIG_FILE)} is not a witness configuration`);
      const cosigner = Cosigner.fromPrivateKey(readFileSync(path.join(absolute, KEY_FILE), 'utf8').trim(), clock);
      if (cosigner.name !== parsed.data.name) throw new WritError('LOG_KEY_INVALID', `the witness key is named ${cosigner.name}, the configuration ${parsed.data.name}`);
      return new Witness(absolute, cosigner, parsed.data, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** The witness's verifier key (type 0x04), for those who count its cosignatures. */
  get verifierKey(): string {
    return this.#cosigner.verifierKey;
  }

  /** The latest checkpoint note this witness cosigned for `origin`, if any. */
  latest(origin: string): string | undefined {
    const file = this.#stateFile(origin);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }

  /**
   * Answers an add-checkpoint request (c2sp.org/tlog-witness), as a pipeline of steps that
   * throw: `readRequest` (LOG_PROOF_MALFORMED) → `knownLog` (LOG_ORIGIN_UNKNOWN) →
   * `checkSignature` (the log's key: LOG_NOTE_UNTRUSTED, LOG_SIGNATURE_INVALID) →
   * `checkNotOlder` (LOG_CHECKPOINT_OLDER: smaller than the latest cosigned, or than the
   * request's old size) → `checkOldSize` (LOG_WITNESS_SIZE_MISMATCH, with the size the
   * witness holds in `facts.size`, so the client can retry from it) → `checkExtends`
   * (LOG_CHECKPOINT_INCONSISTENT) → `persist` → the cosignature.
   */
  addCheckpoint(body: Uint8Array | string): Promise<Cosigned> {
    const run = this.#queue.then(async () => {
      const request = readRequest(body);
      const verifier = this.#knownLog(request);
      const verified = checkSignature(request, verifier);
      const latest = this.#latestCheckpoint(verified.checkpoint.origin, verifier);
      checkNotOlder(request, verified.checkpoint, latest);
      checkOldSize(request, latest);
      checkExtends(request, latest, verified.checkpoint);
      return this.#persist(request, verified);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Releases the directory. */
  close(): void {
    this.#lock.release();
  }

  #knownLog(request: AddCheckpointRequest): CheckpointVerifier {
    // The origin read before verification only picks the keys to verify with.
    const origin = parseSignedNote(request.checkpoint).text.split('\n', 1)[0] ?? '';
    const verifier = this.#verifiers.get(origin);
    if (verifier === undefined) throw new WritError('LOG_ORIGIN_UNKNOWN', `this witness does not watch the log ${JSON.stringify(origin)}`);
    return verifier;
  }

  #latestCheckpoint(origin: string, verifier: CheckpointVerifier): Checkpoint {
    const note = this.latest(origin);
    // Its own record, re-verified: a state file edited by hand is not trusted either.
    return note === undefined ? { origin, size: 0, root: EMPTY_ROOT } : verifier.verify(note).checkpoint;
  }

  async #persist(request: AddCheckpointRequest, verified: VerifiedCheckpoint): Promise<Cosigned> {
    const cosignature = signatureLine(verified.note.text, this.#cosigner);
    const note = `${request.checkpoint}${cosignature}\n`;
    await writeFilesDurably(this.directory, [{ path: path.relative(this.directory, this.#stateFile(verified.checkpoint.origin)), data: Buffer.from(note, 'utf8') }]);
    return { cosignature, note, checkpoint: verified.checkpoint };
  }

  #stateFile(origin: string): string {
    return path.join(this.directory, STATE_DIR, hash('sha256', origin, 'hex'));
  }
}

function readRequest(body: Uint8Array | string): AddCheckpointRequest {
  return parseAddCheckpointRequest(body);
}

function checkSignature(request: AddCheckpointRequest, verifier: CheckpointVerifier): VerifiedCheckpoint {
  return verifier.verify(request.checkpoint);
}

function checkNotOlder(request: AddCheckpointRequest, checkpoint: Checkpoint, latest: Checkpoint): void {
  if (checkpoint.size < latest.size || checkpoint.size < request.oldSize) {
    throw new WritError('LOG_CHECKPOINT_OLDER', `a checkpoint of size ${checkpoint.size} is older than the latest this witness cosigned (${latest.size}) or the request's old size (${request.oldSize})`, {
      facts: { size: latest.size },
    });
  }
}

function checkOldSize(request: AddCheckpointRequest, latest: Checkpoint): void {
  if (request.oldSize !== latest.size) {
    throw new WritError('LOG_WITNESS_SIZE_MISMATCH', `the request proves from size ${request.oldSize}, but this witness last cosigned size ${latest.size}`, { facts: { size: latest.size } });
  }
}

function checkExtends(request: AddCheckpointRequest, latest: Checkpoint, checkpoint: Checkpoint): void {
  checkConsistency(latest, checkpoint, request.proof);
}
