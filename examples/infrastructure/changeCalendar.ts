import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { WritError } from 'writ-governance';
import { openStoreDatabase as openDatabase, type StoreDatabase, type StoreRow, type StoreSchema } from 'writ-governance';
import { parseStoreInput } from '../shared/parseStoreInput';

/** A change window: changes to `environment` are allowed from `startsAt` until `endsAt`. */
export interface ChangeWindow {
  readonly windowId: string;
  readonly environment: string;
  /** Inclusive. */
  readonly startsAt: Date;
  /** Exclusive, so back-to-back windows never overlap by an instant. */
  readonly endsAt: Date;
  readonly reason: string;
}

/** What `addWindow` takes. */
export interface NewChangeWindow {
  readonly environment: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly reason: string;
}

/** Options for `ChangeCalendar.open`. */
export interface ChangeCalendarOptions {
  /** What "now" means when a check gives no instant; injected so tests control time. */
  readonly clock?: () => Date;
}

const SCHEMA: StoreSchema = {
  kind: 'change-calendar',
  migrations: [
    `
    CREATE TABLE windows (
      seq INTEGER PRIMARY KEY,
      window_id TEXT NOT NULL UNIQUE,
      environment TEXT NOT NULL,
      starts_at_ms INTEGER NOT NULL,
      ends_at_ms INTEGER NOT NULL,
      reason TEXT NOT NULL,
      CHECK (ends_at_ms > starts_at_ms)
    ) STRICT;
    CREATE INDEX windows_by_environment ON windows (environment, starts_at_ms);
  `,
  ],
};

// zod's date type already refuses an Invalid Date.
const validDate = z.date();

const newWindowSchema = z
  .strictObject({
    environment: z.string().min(1).max(128),
    startsAt: validDate,
    endsAt: validDate,
    reason: z.string().min(1).max(1024),
  })
  .refine((w) => w.endsAt.getTime() > w.startsAt.getTime(), { path: ['endsAt'], message: 'must be after startsAt' });

interface WindowRow extends StoreRow {
  window_id: string;
  environment: string;
  starts_at_ms: number;
  ends_at_ms: number;
  reason: string;
}

/**
 * The example change calendar behind Writ's infrastructure workflow: per-environment
 * windows in which changes are allowed, in a local SQLite file. The policy reads
 * `findWindow` / `isInWindow` as environment state, so a change outside every window is
 * denied before it runs. Time comes from the injected clock, never the wall clock
 * directly.
 */
export class ChangeCalendar {
  private constructor(
    private readonly db: StoreDatabase,
    private readonly clock: () => Date,
  ) {}

  /** Opens or creates the calendar at `file` (see `openDatabase` for the guarantees). */
  static open(file: string, options: ChangeCalendarOptions = {}): ChangeCalendar {
    return new ChangeCalendar(openDatabase(file, SCHEMA), options.clock ?? (() => new Date()));
  }

  /** Adds a window; an empty or inverted window is `INPUT_INVALID`. */
  addWindow(window: NewChangeWindow): ChangeWindow {
    const input = parseStoreInput(newWindowSchema, window, 'addWindow');
    const windowId = `win_${randomUUID()}`;
    this.db
      .prepare(
        'INSERT INTO windows (window_id, environment, starts_at_ms, ends_at_ms, reason) VALUES (?, ?, ?, ?, ?)',
      )
      .run(windowId, input.environment, input.startsAt.getTime(), input.endsAt.getTime(), input.reason);
    return {
      windowId,
      environment: input.environment,
      startsAt: new Date(input.startsAt.getTime()),
      endsAt: new Date(input.endsAt.getTime()),
      reason: input.reason,
    };
  }

  /**
   * The window of `environment` open at `at` (default: the clock's now), or undefined.
   * When windows overlap, the one that started first is returned, so the answer is
   * stable and a policy can bind a window id into what it authorized.
   */
  findWindow(environment: string, at?: Date): ChangeWindow | undefined {
    const instant = this.instant(at);
    const row = this.db
      .prepare(
        `SELECT * FROM windows WHERE environment = ? AND starts_at_ms <= ? AND ends_at_ms > ?
         ORDER BY starts_at_ms, seq LIMIT 1`,
      )
      .get(environment, instant, instant) as WindowRow | undefined;
    return row === undefined ? undefined : toWindow(row);
  }

  /** True when `environment` has a window open at `at` (default: the clock's now). */
  isInWindow(environment: string, at?: Date): boolean {
    return this.findWindow(environment, at) !== undefined;
  }

  /** Every window, in start order. */
  listWindows(): ChangeWindow[] {
    const rows = this.db.prepare('SELECT * FROM windows ORDER BY starts_at_ms, seq').all() as WindowRow[];
    return rows.map(toWindow);
  }

  /** Closes the file; the calendar cannot be used afterwards. */
  close(): void {
    this.db.close();
  }

  private instant(at: Date | undefined): number {
    const ms = (at ?? this.clock()).getTime();
    // An invalid date would compare false against every window and read as "closed",
    // hiding a caller's bug; refuse it instead.
    if (Number.isNaN(ms)) {
      throw new WritError('INPUT_INVALID', 'change window check needs a valid date', {
        issues: [{ path: 'at', message: 'must be a valid date' }],
      });
    }
    return ms;
  }
}

function toWindow(row: WindowRow): ChangeWindow {
  return {
    windowId: row.window_id,
    environment: row.environment,
    startsAt: new Date(row.starts_at_ms),
    endsAt: new Date(row.ends_at_ms),
    reason: row.reason,
  };
}
