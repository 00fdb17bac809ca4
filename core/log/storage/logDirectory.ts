import { existsSync, mkdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WritError } from '../../errors/writError';
import { errnoCode } from '../../keys/errnoCode';
import { CheckpointVerifier } from '../checkpoint/checkpointVerifier';
import type { CosignatureVerifier } from '../checkpoint/cosignature';
import { signCheckpoint } from '../checkpoint/signCheckpoint';
import { encodeEvidenceEntry, type EvidenceEntry } from '../entries/evidenceEntry';
import { EMPTY_ROOT } from '../merkle/hashes';
import type { NoteSigner } from '../note/noteSigner';
import { Ed25519NoteVerifier } from '../note/noteVerifier';
import { formatSignedNote, parseSignedNote } from '../note/signedNote';
import { verifiedSignatures } from '../note/verifyNote';
import { appendToEdge, edgeRoot, EMPTY_EDGE, type LogEdge } from '../tiles/logEdge';
import { CHECKPOINT_PATH } from '../tiles/tilePath';
import { DirectoryStorage } from './directoryStorage';
import { stageFiles, writeFilesDurably, type DurableFile } from './durableFiles';
import { readEdge } from './readEdge';
import { MAX_APPEND_ENTRIES, removeLeftovers } from './removeLeftovers';
import { WriterLock } from './writerLock';
import { BatchLock } from './batchLock';

/** The log's own key: signs its checkpoints; its name is the log's origin. */
export interface LogKey extends NoteSigner {
  /** The vkey checkpoints are verified with. */
  readonly verifierKey: string;
}

/**
 * How a log shared by several processes on one host is opened: the writer lock is taken
 * for each batch (waiting up to `lockTimeoutMs` for another process's batch, LOG_LOCKED
 * after that) instead of for the writer's lifetime.
 */
export interface SharedLogOptions {
  /** How long an append waits for another process's batch, in ms. */
  readonly lockTimeoutMs: number;
  /** Start an empty log when the directory holds none (else LOG_NOT_FOUND). */
  readonly create: boolean;
}

/** What an append acknowledges: where each entry is, and the checkpoint that covers them. */
export interface AppendResult {
  /** The index of each entry, in the order given. */
  readonly indices: readonly number[];
  /** The log's size after the append. */
  readonly size: number;
  /** The published checkpoint note, covering every entry of the batch. */
  readonly checkpoint: string;
}

/**
 * An append-only evidence log in a directory, laid out as c2sp.org/tlog-tiles serves it
 * (`checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`), so the directory can
 * be archived or served as static files. One writer per directory (a kernel lock, see
 * WriterLock; LOG_LOCKED for a second), or, opened with `openShared`, one batch at a time
 * for each of several processes (BatchLock): each batch then begins by reading back the
 * published checkpoint and extends the edge it verifies, whoever wrote it.
 *
 * An append sequences a batch, writes its tiles and bundles durably (flushed, renamed,
 * directories flushed), and only then publishes a checkpoint of the new size, signed by
 * the log's key, the same way; it resolves once that checkpoint is on disk. So a crash
 * loses nothing acknowledged, and leaves no torn file: what it can leave is an
 * unacknowledged batch's complete files beyond the checkpoint, which `open` removes before
 * anything else is written. Appends within the process run one at a time, in call order.
 */
export class LogDirectory {
  /** The directory, absolute. */
  readonly directory: string;
  /** The log's origin: its key's name. */
  readonly origin: string;
  readonly #key: LogKey;
  readonly #lock: HeldLock;
  readonly #storage: DirectoryStorage;
  #edge: LogEdge = EMPTY_EDGE;
  #checkpoint = '';
  #queue: Promise<unknown> = Promise.resolve();
  #mustRecover = false;
  #closed = false;
  /** Directories known to exist, so an append does not stat each one. */
  readonly #knownDirectories = new Set<string>();

  private constructor(directory: string, key: LogKey, lock: HeldLock) {
    this.directory = directory;
    this.origin = key.name;
    this.#key = key;
    this.#lock = lock;
    this.#storage = new DirectoryStorage(directory);
  }

  /** Starts a new, empty log in `directory` (created if need be): LOG_ALREADY_EXISTS if it holds a checkpoint. */
  static async create(directory: string, key: LogKey): Promise<LogDirectory> {
    const absolute = path.resolve(directory);
    mkdirSync(absolute, { recursive: true });
    const log = new LogDirectory(absolute, key, WriterLock.acquire(absolute, 'the log'));
    try {
      if (existsSync(path.join(absolute, CHECKPOINT_PATH))) throw new WritError('LOG_ALREADY_EXISTS', `${absolute} already holds a log`);
      await removeLeftovers(absolute, 0);
      const note = signCheckpoint({ origin: key.name, size: 0, root: EMPTY_ROOT }, key);
      await writeFilesDurably(absolute, [{ path: CHECKPOINT_PATH, data: Buffer.from(note, 'utf8') }]);
      log.#checkpoint = note;
      return log;
    } catch (error) {
      log.close();
      throw error;
    }
  }

  /**
   * Opens the log in `directory` as its one writer: takes the lock (LOG_LOCKED), verifies
   * the checkpoint with `key` (LOG_NOT_FOUND without one), removes what an interrupted
   * append left, and checks the tiles against the checkpoint (LOG_CORRUPT).
   */
  static async open(directory: string, key: LogKey): Promise<LogDirectory> {
    const absolute = path.resolve(directory);
    if (!existsSync(path.join(absolute, CHECKPOINT_PATH))) throw new WritError('LOG_NOT_FOUND', `no log in ${absolute} (no checkpoint): create one with \`writ log init\``);
    const log = new LogDirectory(absolute, key, WriterLock.acquire(absolute, 'the log'));
    try {
      await log.#recover();
      return log;
    } catch (error) {
      log.close();
      throw error;
    }
  }

  /**
   * Opens the log in `directory` as one of several writers on this host: the writer lock
   * is taken for each batch, never held in between (see SharedLogOptions). With `create`
   * an empty log is started when the directory holds no checkpoint, under the lock, so two
   * processes starting at once make one log. Otherwise as `open`: LOG_NOT_FOUND, LOG_CORRUPT,
   * a checkpoint that does not verify with `key`.
   */
  static async openShared(directory: string, key: LogKey, options: SharedLogOptions): Promise<LogDirectory> {
    const absolute = path.resolve(directory);
    if (options.create) mkdirSync(absolute, { recursive: true });
    else if (!existsSync(path.join(absolute, CHECKPOINT_PATH))) throw new WritError('LOG_NOT_FOUND', `no log in ${absolute} (no checkpoint): create one with \`writ log init\``);
    const batch = new BatchLock(absolute, 'the log');
    const log = new LogDirectory(absolute, key, { batch, timeoutMs: options.lockTimeoutMs });
    try {
      await batch.acquire(options.lockTimeoutMs);
      try {
        if (!existsSync(path.join(absolute, CHECKPOINT_PATH))) {
          await removeLeftovers(absolute, 0);
          await writeFilesDurably(absolute, [{ path: CHECKPOINT_PATH, data: Buffer.from(signCheckpoint({ origin: key.name, size: 0, root: EMPTY_ROOT }, key), 'utf8') }]);
        }
        await log.#recover();
      } finally {
        batch.release();
      }
      return log;
    } catch (error) {
      log.close();
      throw error;
    }
  }

  /** How many entries the published checkpoint covers. */
  get size(): number {
    return this.#edge.size;
  }

  /** The published checkpoint note, cosignatures included. */
  get checkpoint(): string {
    return this.#checkpoint;
  }

  /**
   * Appends a batch of evidence entries and resolves once a checkpoint covering all of
   * them is durably published; the batch is all in or all out. Every entry is checked
   * first (LOG_ENTRY_INVALID, LOG_ENTRY_TOO_LARGE) and nothing is written if any is bad;
   * at most MAX_APPEND_ENTRIES at once. A failure to write is LOG_WRITE_FAILED, with
   * nothing acknowledged; the next append first recovers from the directory as `open` does.
   */
  append(entries: readonly EvidenceEntry[]): Promise<AppendResult> {
    return this.extend(async () => entries);
  }

  /**
   * Appends what `next` gives for the log's size as read back under the lock: for a log
   * whose entries are sequenced elsewhere (PostgreSQL), so that the entries integrated are
   * exactly those after the published size, whoever published it. `approve` sees the
   * checkpoint's size and root before anything is written, and may refuse it by throwing
   * (nothing is written then). Otherwise as `append`.
   */
  extend(next: (size: number) => Promise<readonly EvidenceEntry[]>, approve?: (size: number, root: Buffer) => Promise<void>): Promise<AppendResult> {
    return this.#serialized(async () => {
      if (this.#mustRecover) await this.#recover();
      const first = this.#edge.size;
      const entries = await next(first);
      if (entries.length > MAX_APPEND_ENTRIES) throw new WritError('LOG_ENTRY_INVALID', `${entries.length} entries in one append, more than ${MAX_APPEND_ENTRIES}`);
      const encoded = entries.map((entry) => encodeEvidenceEntry(entry));
      if (encoded.length === 0) return { indices: [], size: first, checkpoint: this.#checkpoint };
      const { edge, files } = appendToEdge(this.#edge, encoded);
      const root = edgeRoot(edge);
      await approve?.(edge.size, root);
      const note = signCheckpoint({ origin: this.origin, size: edge.size, root }, this.#key);
      await this.#publish(files, note);
      this.#edge = edge;
      this.#checkpoint = note;
      await this.#removeSuperseded(files);
      return { indices: encoded.map((_, i) => first + i), size: edge.size, checkpoint: note };
    });
  }

  /**
   * Adds witnesses' cosignatures to the published checkpoint: `cosigned` is the checkpoint
   * note as a witness returned it. Its body must be the current checkpoint's
   * (LOG_CHECKPOINT_OLDER when the log has moved on), every cosignature by one of
   * `witnesses` must verify (LOG_SIGNATURE_INVALID) and at least one must be there
   * (LOG_NOTE_UNTRUSTED); lines by other keys are ignored. A witness's new cosignature
   * replaces its old one. Returns the checkpoint as now published.
   */
  addCosignatures(cosigned: string, witnesses: readonly CosignatureVerifier[]): Promise<string> {
    return this.#serialized(async () => {
      if (this.#mustRecover) await this.#recover();
      const current = parseSignedNote(this.#checkpoint);
      const offered = parseSignedNote(cosigned);
      if (offered.text !== current.text) throw new WritError('LOG_CHECKPOINT_OLDER', 'the cosignatures are for another checkpoint than the one published: the log has moved on; cosign the current one');
      const added = verifiedSignatures(offered, witnesses);
      if (added.length === 0) throw new WritError('LOG_NOTE_UNTRUSTED', 'no cosignature by a known witness');
      // One line per witness: the last one offered.
      const byWitness = new Map(added.map(({ signature }) => [`${signature.name}+${signature.keyId}`, signature.line]));
      const kept = current.signatures.filter((signature) => !byWitness.has(`${signature.name}+${signature.keyId}`)).map((signature) => signature.line);
      const lines = [...kept, ...byWitness.values()];
      const note = formatSignedNote(current.text, lines);
      // Parsing bounds the number of signatures, so a log never publishes a note no one reads.
      parseSignedNote(note);
      await this.#write([{ path: CHECKPOINT_PATH, data: Buffer.from(note, 'utf8') }]);
      this.#checkpoint = note;
      return note;
    });
  }

  /** Releases the writer lock. The log can be opened again afterwards. */
  close(): void {
    this.#closed = true;
    if (this.#lock instanceof WriterLock) this.#lock.release();
    else this.#lock.batch.close();
  }

  /**
   * Runs one operation of a shared log under the lock: another process may have published
   * since, or died mid-batch, so the checkpoint is read back first. When it is still the
   * one this log published last, the edge in memory is current, and what a writer that
   * died mid-batch left (BATCH_MARKER_FILE says so) is removed; otherwise the log recovers
   * from the directory as `open` does (checkpoint verified with the key, edge read and
   * checked against it, leftovers removed).
   */
  async #underBatchLock<T>(lock: { readonly batch: BatchLock; readonly timeoutMs: number }, operation: () => Promise<T>): Promise<T> {
    await lock.batch.acquire(lock.timeoutMs);
    try {
      if (!this.#mustRecover) {
        const note = await readCheckpointFile(this.directory);
        if (note.toString('utf8') !== this.#checkpoint) this.#mustRecover = true;
        else if (existsSync(path.join(this.directory, BATCH_MARKER_FILE))) {
          await removeLeftovers(this.directory, this.#edge.size);
          await rm(path.join(this.directory, BATCH_MARKER_FILE), { force: true });
        }
      }
      return await operation();
    } finally {
      lock.batch.release();
    }
  }

  /** Reads back the published state from the directory, removing an interrupted append's files. */
  async #recover(): Promise<void> {
    const note = await readCheckpointFile(this.directory);
    const verifier = new CheckpointVerifier({ origin: this.origin, logKeys: [Ed25519NoteVerifier.fromVerifierKey(this.#key.verifierKey)] });
    const { checkpoint } = verifier.verify(note);
    await removeLeftovers(this.directory, checkpoint.size);
    await rm(path.join(this.directory, BATCH_MARKER_FILE), { force: true });
    this.#knownDirectories.clear();
    this.#edge = await readEdge(this.#storage, checkpoint);
    this.#checkpoint = note.toString('utf8');
    this.#mustRecover = false;
  }

  /**
   * Deletes the partial tiles and bundles that a full one written in this batch
   * supersedes, now that a checkpoint covers it (tlog-tiles allows it; readers fall back
   * to the full tile). Tidying only: a failure leaves them for the next `open`.
   */
  async #removeSuperseded(files: readonly { path: string }[]): Promise<void> {
    for (const file of files) {
      if (file.path.includes('.p/')) continue;
      const partials = path.join(this.directory, `${file.path}.p`);
      this.#knownDirectories.delete(partials);
      try {
        await rm(partials, { recursive: true, force: true });
      } catch {
        // left for removeLeftovers at the next open
      }
    }
  }

  /**
   * Makes a batch's files durable, then its checkpoint. The checkpoint is written and
   * flushed under a temporary name alongside the tiles (saving a round of flushes), but
   * renamed into place only once every tile and bundle is in place and their directories
   * are flushed: a checkpoint is never visible before what it covers.
   */
  async #publish(files: readonly DurableFile[], note: string): Promise<void> {
    const marker = path.join(this.directory, BATCH_MARKER_FILE);
    await this.#guarded(async () => {
      await writeFile(marker, '');
      const [tiles, checkpoint] = await Promise.allSettled([
        stageFiles(this.directory, files, this.#knownDirectories),
        stageFiles(this.directory, [{ path: CHECKPOINT_PATH, data: Buffer.from(note, 'utf8') }], this.#knownDirectories),
      ]);
      if (tiles.status === 'rejected' || checkpoint.status === 'rejected') {
        await Promise.all([tiles, checkpoint].map((staged) => (staged.status === 'fulfilled' ? staged.value.discard() : undefined)));
        throw tiles.status === 'rejected' ? tiles.reason : (checkpoint as PromiseRejectedResult).reason;
      }
      await tiles.value.commit();
      await checkpoint.value.commit();
    });
    // The batch is published: a marker left behind only costs the next writer a look for leftovers.
    await rm(marker, { force: true }).catch(() => undefined);
  }

  async #write(files: readonly DurableFile[]): Promise<void> {
    await this.#guarded(() => writeFilesDurably(this.directory, files, this.#knownDirectories));
  }

  async #guarded(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      // What reached the disk is unknown now: the next append reads it back first.
      this.#mustRecover = true;
      throw new WritError('LOG_WRITE_FAILED', `writing to the log in ${this.directory} failed (${errnoCode(error) ?? String(error)}): nothing of this batch is acknowledged`, { cause: error });
    }
  }

  #serialized<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw new WritError('LOG_WRITE_FAILED', `the log in ${this.directory} is closed`);
      return this.#lock instanceof WriterLock ? operation() : this.#underBatchLock(this.#lock, operation);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * Present while a batch is being written: a writer that finds it (under the lock) knows
 * that the last writer died mid-batch and may have left files beyond the checkpoint. Not
 * flushed: only a process's death, not the host's, must be seen through it, and after the
 * host's every writer starts with `open` or `openShared`, which look for leftovers anyway.
 */
export const BATCH_MARKER_FILE = '.writer.batch';

/** A lifetime writer's lock, or a shared log's lock taken per batch. */
type HeldLock = WriterLock | { readonly batch: BatchLock; readonly timeoutMs: number };

/** The checkpoint file's bytes; LOG_NOT_FOUND when the directory has none. */
export async function readCheckpointFile(directory: string): Promise<Buffer> {
  try {
    return await readFile(path.join(directory, CHECKPOINT_PATH));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new WritError('LOG_NOT_FOUND', `no log in ${directory} (no checkpoint)`);
    throw error;
  }
}
