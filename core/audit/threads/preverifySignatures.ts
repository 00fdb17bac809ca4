import os from 'node:os';
import type { PreverifiedSignatures } from '../../artifact/verify/preverifiedSignatures';
import { SignaturePool, type SignatureTask } from './signaturePool';

/** Below this many signatures threads cost more to start than they save. */
export const MIN_SIGNATURES_FOR_THREADS = 256;
/** Signatures per message to a thread: large enough to amortise the message, small enough that threads and checks meet close to where their work does. */
const BATCH = 128;
/** More threads than this gain nothing for an audit. */
const MAX_THREADS = 16;

/** How many threads verify signatures: `auto` (one fewer than the cores, for bundles large enough) or a number (0: none). */
export type SignatureThreads = 'auto' | number;

/** Signatures verified on worker threads while the checks run. */
export interface Preverification {
  /** Threads used (0: everything is verified by the checks themselves). */
  readonly threads: number;
  /** Lets the answers that have come back be recorded: the checks call it between runs. */
  poll(): Promise<void>;
  /** Settles once every batch has been answered, or its thread has failed. */
  settled(): Promise<void>;
  /** Stops the threads. */
  close(): Promise<void>;
}

/**
 * How many threads `setting` means for `signatures` signatures on this machine: for
 * `auto`, one fewer than the cores (the checks keep this thread busy), at least one.
 */
export function threadCount(setting: SignatureThreads, signatures: number): number {
  if (signatures === 0) return 0;
  if (setting !== 'auto') return Math.min(setting, MAX_THREADS);
  if (signatures < MIN_SIGNATURES_FOR_THREADS) return 0;
  return Math.max(1, Math.min(os.availableParallelism() - 1, MAX_THREADS));
}

/**
 * Starts verifying the signatures of every run (`perRun[i]`: run i's) on worker threads,
 * from the last run backwards, while the checks work from the first run forwards and
 * verify whatever has not come back yet themselves: the two meet in the middle, neither
 * ever waits for the other, and a thread that is slow or fails only leaves more to the
 * checks. Only positive answers are recorded, into `signatures`, which the checks read; a
 * batch whose thread fails records nothing. `source` replaces the worker's code (tests
 * make threads crash).
 */
export function preverifySignatures(
  perRun: readonly (readonly SignatureTask[])[],
  setting: SignatureThreads,
  signatures: PreverifiedSignatures,
  source?: string,
): Preverification {
  const total = perRun.reduce((sum, tasks) => sum + tasks.length, 0);
  const threads = threadCount(setting, total);
  if (threads === 0) return { threads, poll: () => Promise.resolve(), settled: () => Promise.resolve(), close: () => Promise.resolve() };
  const pool = SignaturePool.start(threads, source);
  const answered: Promise<void>[] = [];
  const send = (tasks: SignatureTask[]): void => {
    answered.push(pool.verify(tasks).then((verdicts) => {
      if (verdicts === null) return;
      tasks.forEach((task, index) => {
        if (verdicts[index] === 1) signatures.record(task.key, task.token);
      });
    }));
  };
  let batch: SignatureTask[] = [];
  for (let run = perRun.length - 1; run >= 0; run -= 1) {
    batch.push(...perRun[run]!);
    if (batch.length >= BATCH) {
      send(batch);
      batch = [];
    }
  }
  if (batch.length > 0) send(batch);
  return {
    threads,
    // A turn of the event loop: the threads' answers arrive as messages, which the checks'
    // synchronous work would otherwise never let in.
    poll: () => new Promise((resolve) => setImmediate(resolve)),
    settled: async () => {
      await Promise.all(answered);
    },
    close: () => pool.close(),
  };
}
