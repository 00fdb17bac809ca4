import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { immediateTransaction, openStoreDatabase as openDatabase, type StoreDatabase, type StoreRow, type StoreSchema } from 'writ-governance';
import { idempotencyKeySchema, parseStoreInput, positiveCentsSchema } from '../shared/parseStoreInput';
import { assertSameRequest, requestDigest } from '../shared/requestDigest';
import { AGENT_DEMO_DOCS } from './agentDemoDocs';
import { noteFile, slugify, writeFileDurably } from './noteFiles';

/** One search hit; `score` is higher for a better match. */
export interface DocHit {
  readonly docId: string;
  readonly title: string;
  /** A short extract with the matched terms in [brackets]. */
  readonly snippet: string;
  readonly score: number;
}

/** The outcome of `writeNote`; `file` is relative to the workspace directory. */
export interface NoteResult {
  readonly noteId: string;
  readonly file: string;
  /** SHA-256 (hex) of the bytes written, so a receipt can bind the note's content. */
  readonly sha256: string;
  readonly replayed: boolean;
}

/** The outcome of `sendEmail`. */
export interface EmailResult {
  readonly messageId: string;
  readonly replayed: boolean;
}

/** The outcome of `issueRefund`. */
export interface RefundResult {
  readonly refundId: string;
  readonly replayed: boolean;
}

/** A note as recorded in the workspace. */
export interface NoteRecord {
  readonly noteId: string;
  readonly idempotencyKey: string;
  readonly title: string;
  readonly file: string;
  readonly sha256: string;
  readonly recordedAt: string;
}

/** An email as queued in the outbox. */
export interface OutboxRecord {
  readonly messageId: string;
  readonly idempotencyKey: string;
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly recordedAt: string;
}

/** A refund as recorded. */
export interface RefundRecord {
  readonly refundId: string;
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly amountCents: number;
  readonly recordedAt: string;
}

/** Options for `AgentWorkspace.open`. */
export interface AgentWorkspaceOptions {
  /** Stamps `recordedAt`; injected so tests control time. */
  readonly clock?: () => Date;
}

const SCHEMA: StoreSchema = {
  kind: 'agent-workspace',
  migrations: [
    `
    CREATE TABLE docs (doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE VIRTUAL TABLE docs_fts USING fts5 (title, body);
    CREATE TABLE notes (
      seq INTEGER PRIMARY KEY,
      note_id TEXT NOT NULL UNIQUE,
      idempotency_key TEXT NOT NULL UNIQUE,
      request_digest TEXT NOT NULL,
      title TEXT NOT NULL,
      slug TEXT NOT NULL UNIQUE,
      sha256 TEXT NOT NULL,
      recorded_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE outbox (
      seq INTEGER PRIMARY KEY,
      message_id TEXT NOT NULL UNIQUE,
      idempotency_key TEXT NOT NULL UNIQUE,
      request_digest TEXT NOT NULL,
      recipient TEXT NOT NULL,
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      recorded_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE refunds (
      seq INTEGER PRIMARY KEY,
      refund_id TEXT NOT NULL UNIQUE,
      idempotency_key TEXT NOT NULL UNIQUE,
      request_digest TEXT NOT NULL,
      order_id TEXT NOT NULL,
      amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
      recorded_at TEXT NOT NULL
    ) STRICT;
  `,
  ],
};

const noteSchema = z.strictObject({
  title: z.string().min(1).max(256),
  body: z.string().max(100_000),
  idempotencyKey: idempotencyKeySchema,
});
const emailSchema = z.strictObject({
  to: z.email(),
  subject: z.string().min(1).max(998),
  body: z.string().max(100_000),
  idempotencyKey: idempotencyKeySchema,
});
const refundSchema = z.strictObject({
  orderId: z.string().min(1).max(128),
  amountCents: positiveCentsSchema,
  idempotencyKey: idempotencyKeySchema,
});
const searchSchema = z.strictObject({ query: z.string().max(1024), limit: z.int().min(1).max(20) });

type EffectTable = 'notes' | 'outbox' | 'refunds';

interface EffectRow extends StoreRow {
  idempotency_key: string;
  request_digest: string;
  recorded_at: string;
}
interface NoteRow extends EffectRow {
  note_id: string;
  title: string;
  slug: string;
  sha256: string;
}
interface OutboxRow extends EffectRow {
  message_id: string;
  recipient: string;
  subject: string;
  body: string;
}
interface RefundRow extends EffectRow {
  refund_id: string;
  order_id: string;
  amount_cents: number;
}

/**
 * The tools of Writ's example AI agent, each with a real local side effect: a SQLite
 * file `agent.sqlite` and a `notes/` folder under one directory. `searchDocs` only
 * reads; every other tool acts at most once per idempotency key, and a repeated key
 * returns the first call's result with `replayed: true`.
 */
export class AgentWorkspace {
  /** The folder notes are written to. */
  readonly notesDir: string;

  private constructor(
    /** The workspace directory. */
    readonly dir: string,
    private readonly db: StoreDatabase,
    private readonly clock: () => Date,
  ) {
    this.notesDir = join(dir, 'notes');
  }

  /** Opens or creates the workspace in `dir` (see `openDatabase` for the guarantees). */
  static open(dir: string, options: AgentWorkspaceOptions = {}): AgentWorkspace {
    mkdirSync(join(dir, 'notes'), { recursive: true });
    return new AgentWorkspace(dir, openDatabase(join(dir, 'agent.sqlite'), SCHEMA), options.clock ?? (() => new Date()));
  }

  /**
   * Full-text search over the seeded docs, best first. The query is taken as plain words
   * (any of them may match), never as FTS syntax, so no input can make it fail.
   */
  searchDocs(query: string, options: { readonly limit?: number } = {}): DocHit[] {
    const input = parseStoreInput(searchSchema, { query, limit: options.limit ?? 3 }, 'searchDocs');
    const words = input.query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) return [];
    const match = words.map((word) => `"${word}"`).join(' OR ');
    const rows = this.db
      .prepare(
        `SELECT d.doc_id, d.title, snippet(docs_fts, 1, '[', ']', '…', 12) AS snippet, bm25(docs_fts) AS rank
         FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid
         WHERE docs_fts MATCH ? ORDER BY rank, d.doc_id LIMIT ?`,
      )
      .all(match, input.limit) as { doc_id: string; title: string; snippet: string; rank: number }[];
    // bm25() is lower-is-better; callers read a score as higher-is-better.
    return rows.map((row) => ({ docId: row.doc_id, title: row.title, snippet: row.snippet, score: -row.rank }));
  }

  /**
   * Writes `notes/<slug>.md` once per idempotency key. The file is written and renamed
   * into place while the workspace's write lock is held and before the record commits,
   * so a crash leaves at most a complete file that a retry with the same key rewrites
   * identically. A title whose slug another note already took gets `-2`, `-3`, ….
   */
  writeNote(request: { readonly title: string; readonly body: string; readonly idempotencyKey: string }): NoteResult {
    const input = parseStoreInput(noteSchema, request, 'writeNote');
    const digest = requestDigest('writeNote', [input.title, input.body]);
    let written: string | undefined;
    try {
      return this.recordOnce<NoteRow, NoteResult>('notes', input.idempotencyKey, digest, (row) => {
        if (row !== undefined) {
          return { noteId: row.note_id, file: noteFile(row.slug), sha256: row.sha256, replayed: true };
        }
        const slug = this.freeSlug(slugify(input.title));
        const content = Buffer.from(`# ${input.title}\n\n${input.body}\n`, 'utf8');
        written = join(this.dir, noteFile(slug));
        writeFileDurably(written, content);
        const noteId = `note_${randomUUID()}`;
        const sha256 = createHash('sha256').update(content).digest('hex');
        this.db
          .prepare(
            `INSERT INTO notes (note_id, idempotency_key, request_digest, title, slug, sha256, recorded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(noteId, input.idempotencyKey, digest, input.title, slug, sha256, this.now());
        return { noteId, file: noteFile(slug), sha256, replayed: false };
      });
    } catch (error) {
      // The record did not commit, so the file it would have described must not remain.
      if (written !== undefined) rmSync(written, { force: true });
      throw error;
    }
  }

  /** Queues an email in the outbox once per idempotency key. */
  sendEmail(request: {
    readonly to: string;
    readonly subject: string;
    readonly body: string;
    readonly idempotencyKey: string;
  }): EmailResult {
    const input = parseStoreInput(emailSchema, request, 'sendEmail');
    const digest = requestDigest('sendEmail', [input.to, input.subject, input.body]);
    return this.recordOnce<OutboxRow, EmailResult>('outbox', input.idempotencyKey, digest, (row) => {
      if (row !== undefined) return { messageId: row.message_id, replayed: true };
      const messageId = `msg_${randomUUID()}`;
      this.db
        .prepare(
          `INSERT INTO outbox (message_id, idempotency_key, request_digest, recipient, subject, body, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(messageId, input.idempotencyKey, digest, input.to, input.subject, input.body, this.now());
      return { messageId, replayed: false };
    });
  }

  /** Records a refund once per idempotency key; amounts are positive integer cents. */
  issueRefund(request: { readonly orderId: string; readonly amountCents: number; readonly idempotencyKey: string }): RefundResult {
    const input = parseStoreInput(refundSchema, request, 'issueRefund');
    const digest = requestDigest('issueRefund', [input.orderId, input.amountCents]);
    return this.recordOnce<RefundRow, RefundResult>('refunds', input.idempotencyKey, digest, (row) => {
      if (row !== undefined) return { refundId: row.refund_id, replayed: true };
      const refundId = `rf_${randomUUID()}`;
      this.db
        .prepare(
          `INSERT INTO refunds (refund_id, idempotency_key, request_digest, order_id, amount_cents, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(refundId, input.idempotencyKey, digest, input.orderId, input.amountCents, this.now());
      return { refundId, replayed: false };
    });
  }

  /** Every note written, oldest first. */
  listNotes(): NoteRecord[] {
    const rows = this.db.prepare('SELECT * FROM notes ORDER BY seq').all() as NoteRow[];
    return rows.map((row) => ({
      noteId: row.note_id,
      idempotencyKey: row.idempotency_key,
      title: row.title,
      file: noteFile(row.slug),
      sha256: row.sha256,
      recordedAt: row.recorded_at,
    }));
  }

  /** Every email queued, oldest first. */
  listOutbox(): OutboxRecord[] {
    const rows = this.db.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxRow[];
    return rows.map((row) => ({
      messageId: row.message_id,
      idempotencyKey: row.idempotency_key,
      to: row.recipient,
      subject: row.subject,
      body: row.body,
      recordedAt: row.recorded_at,
    }));
  }

  /** Every refund issued, oldest first. */
  listRefunds(): RefundRecord[] {
    const rows = this.db.prepare('SELECT * FROM refunds ORDER BY seq').all() as RefundRow[];
    return rows.map((row) => ({
      refundId: row.refund_id,
      idempotencyKey: row.idempotency_key,
      orderId: row.order_id,
      amountCents: row.amount_cents,
      recordedAt: row.recorded_at,
    }));
  }

  /** How many notes carry this idempotency key: 0 or 1, which is what tests prove. */
  countNotesByKey(idempotencyKey: string): number {
    return this.countByKey('notes', idempotencyKey);
  }

  /** How many outbox emails carry this idempotency key: 0 or 1. */
  countEmailsByKey(idempotencyKey: string): number {
    return this.countByKey('outbox', idempotencyKey);
  }

  /** How many refunds carry this idempotency key: 0 or 1. */
  countRefundsByKey(idempotencyKey: string): number {
    return this.countByKey('refunds', idempotencyKey);
  }

  /** Seeds the demo support docs the agent searches; docs already present are kept. */
  seedDemo(): void {
    const insertDoc = this.db.prepare('INSERT INTO docs (doc_id, title, body) VALUES (?, ?, ?) ON CONFLICT (doc_id) DO NOTHING');
    const indexDoc = this.db.prepare('INSERT INTO docs_fts (rowid, title, body) VALUES (?, ?, ?)');
    immediateTransaction(this.db, () => {
      for (const doc of AGENT_DEMO_DOCS) {
        const inserted = insertDoc.run(doc.docId, doc.title, doc.body);
        if (inserted.changes === 1) indexDoc.run(inserted.lastInsertRowid, doc.title, doc.body);
      }
    });
  }

  /** Closes the database; the workspace cannot be used afterwards. */
  close(): void {
    this.db.close();
  }

  /**
   * Runs `act` with the row already recorded under `idempotencyKey` (or undefined) inside
   * an IMMEDIATE transaction, so lookup and insert hold one write lock across processes;
   * a recorded row made by a different request is `IDEMPOTENCY_KEY_CONFLICT`.
   */
  private recordOnce<Row extends EffectRow, R>(
    table: EffectTable,
    idempotencyKey: string,
    digest: string,
    act: (recorded: Row | undefined) => R,
  ): R {
    return immediateTransaction(this.db, (): R => {
      const recorded = this.db.prepare(`SELECT * FROM ${table} WHERE idempotency_key = ?`).get(idempotencyKey) as
        | Row
        | undefined;
      if (recorded !== undefined) assertSameRequest(idempotencyKey, recorded.request_digest, digest);
      return act(recorded);
    });
  }

  private countByKey(table: EffectTable, idempotencyKey: string): number {
    const row = this.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE idempotency_key = ?`).get(idempotencyKey) as {
      n: number;
    };
    return row.n;
  }

  private freeSlug(base: string): string {
    const taken = this.db.prepare('SELECT 1 FROM notes WHERE slug = ?');
    let slug = base;
    for (let n = 2; taken.get(slug) !== undefined; n += 1) slug = `${base}-${n}`;
    return slug;
  }

  private now(): string {
    return this.clock().toISOString();
  }
}
