import { watch, type FSWatcher } from 'node:fs';
import { WritError } from '../errors/writError';
import { PolicyEngine } from './policyEngine';
import { loadPolicySet } from './policySet';

/**
 * The active policy set of a worker. Authorization decides under `current()`, and the
 * enforcement point compares an artifact's policy digest with it (POLICY_STALE). When
 * the files change the set is reloaded; if the new files are invalid or unreadable the
 * source fails closed: every later `current()` throws until a valid set is back.
 */
export class PolicySource {
  /** The policy set directory this source reads. */
  readonly dir: string;
  private engine: PolicyEngine | undefined;
  private failure: WritError | undefined;
  private watcher: FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Loads the directory now; an invalid set at start is an error, not a degraded worker. */
  static load(dir: string): PolicySource {
    const source = new PolicySource(dir);
    source.engine = new PolicyEngine(loadPolicySet(dir));
    return source;
  }

  /** The engine for the active set, or POLICY_UNAVAILABLE / POLICY_INVALID while broken. */
  current(): PolicyEngine {
    if (this.failure) throw this.failure;
    if (!this.engine) throw new WritError('POLICY_UNAVAILABLE', `no policy set loaded from ${this.dir}`);
    return this.engine;
  }

  /** Re-reads the directory; keeps the outcome (new set or failure) for `current()`. */
  reload(): void {
    try {
      this.engine = new PolicyEngine(loadPolicySet(this.dir));
      this.failure = undefined;
    } catch (error) {
      this.engine = undefined;
      this.failure = error instanceof WritError ? error : new WritError('POLICY_UNAVAILABLE', String(error));
    }
  }

  /** Reloads shortly after any change in the directory, until `close()`. */
  watch(): this {
    if (this.watcher) return this;
    this.watcher = watch(this.dir, () => {
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => this.reload(), 50);
    });
    this.watcher.unref();
    return this;
  }

  /** Stops watching. */
  close(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.watcher?.close();
    this.watcher = undefined;
  }
}
