import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { SIGNATURE_WORKER_SOURCE } from './signatureWorkerSource';

/** One signature to verify: a compact JWS and the trusted key its header names. */
export interface SignatureTask {
  readonly key: KeyObject;
  readonly token: string;
}

interface Pending {
  readonly resolve: (verdicts: Uint8Array | null) => void;
}

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  failed: boolean;
}

/**
 * A few worker threads that verify Ed25519 signatures of compact JWSs, batch by batch,
 * round robin. `verify` answers a batch with one verdict per task (1 verified, 0 not), or
 * `null` when its thread failed (crashed, exited, could not start): the caller then
 * verifies that batch itself, so a thread's failure costs time, never a wrong verdict.
 */
export class SignaturePool {
  readonly #threads: Thread[];
  #next = 0;
  #batch = 0;

  private constructor(threads: Thread[]) {
    this.#threads = threads;
  }

  /** Starts `size` threads (at least one) running `source` (the signature worker unless a test gives another). */
  static start(size: number, source: string = SIGNATURE_WORKER_SOURCE): SignaturePool {
    const threads: Thread[] = [];
    for (let i = 0; i < Math.max(1, size); i += 1) {
      const thread: Thread = { worker: new Worker(source, { eval: true }), pending: new Map(), failed: false };
      const fail = (): void => {
        thread.failed = true;
        for (const pending of thread.pending.values()) pending.resolve(null);
        thread.pending.clear();
      };
      thread.worker.on('message', (message: { id: number; verdicts: Uint8Array }) => {
        const pending = thread.pending.get(message.id);
        thread.pending.delete(message.id);
        pending?.resolve(message.verdicts instanceof Uint8Array ? message.verdicts : null);
      });
      thread.worker.on('error', fail);
      thread.worker.on('messageerror', fail);
      thread.worker.on('exit', fail);
      threads.push(thread);
    }
    return new SignaturePool(threads);
  }

  /** Verifies one batch on the next thread that has not failed; null if none is left or it fails. */
  verify(tasks: readonly SignatureTask[]): Promise<Uint8Array | null> {
    const thread = this.#pickThread();
    if (thread === undefined) return Promise.resolve(null);
    const keys: KeyObject[] = [];
    const keyIndex = new Uint32Array(tasks.length);
    const tokens = tasks.map((task, index) => {
      let at = keys.indexOf(task.key);
      if (at === -1) at = keys.push(task.key) - 1;
      keyIndex[index] = at;
      return task.token;
    });
    let der: string[];
    try {
      der = keys.map((key) => key.export({ format: 'der', type: 'spki' }).toString('base64'));
    } catch {
      return Promise.resolve(null);
    }
    const id = (this.#batch += 1);
    return new Promise((resolve) => {
      thread.pending.set(id, {
        // A short or missing answer is no answer.
        resolve: (verdicts) => resolve(verdicts !== null && verdicts.length === tasks.length ? verdicts : null),
      });
      try {
        thread.worker.postMessage({ id, keys: der, keyIndex, tokens });
      } catch {
        thread.pending.delete(id);
        resolve(null);
      }
    });
  }

  /** Stops every thread; batches still waiting are answered null. */
  async close(): Promise<void> {
    await Promise.all(this.#threads.map((thread) => thread.worker.terminate()));
  }

  #pickThread(): Thread | undefined {
    for (let tried = 0; tried < this.#threads.length; tried += 1) {
      const thread = this.#threads[this.#next % this.#threads.length]!;
      this.#next += 1;
      if (!thread.failed) return thread;
    }
    return undefined;
  }
}
