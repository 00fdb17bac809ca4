import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * File latches shared by a test and a fault worker in another process: the worker marks
 * where it stands (`<point>.reached`) and, when told to, waits for the test's go-ahead
 * (`<point>.proceed`). Files, not IPC, so a SIGKILLed worker leaves its last mark behind.
 */
export class FaultLatch {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Records that `point` was reached (by the worker). */
  reach(point: string): void {
    writeFileSync(join(this.dir, `${point}.reached`), String(process.pid));
  }

  /** Whether the worker has reached `point`. */
  reached(point: string): boolean {
    return existsSync(join(this.dir, `${point}.reached`));
  }

  /** Lets a worker waiting at `point` go on (by the test). */
  release(point: string): void {
    writeFileSync(join(this.dir, `${point}.proceed`), '');
  }

  /** Marks `point` reached, then waits until the test releases it (by the worker). */
  async hold(point: string): Promise<void> {
    this.reach(point);
    while (!existsSync(join(this.dir, `${point}.proceed`))) await sleep(10);
  }

  /** Waits until the worker reaches `point` (by the test). */
  async waitFor(point: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.reached(point)) {
      if (Date.now() > deadline) throw new Error(`fault point ${point} not reached within ${timeoutMs} ms`);
      await sleep(10);
    }
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
