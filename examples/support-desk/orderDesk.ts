import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { immediateTransaction, openStoreDatabase, type StoreDatabase, type StoreSchema } from 'writ-governance';
import { idempotencyKeySchema, parseStoreInput, positiveCentsSchema } from '../shared/parseStoreInput';
import { assertSameRequest, requestDigest } from '../shared/requestDigest';

/** An order as the support desk sees it. */
export interface Order {
  readonly orderId: string;
  /** The customer's email address: the only address the desk writes to about this order. */
  readonly customer: string;
  readonly totalCents: number;
  /** What has been refunded on it so far. */
  readonly refundedCents: number;
  readonly status: string;
}

/** A refund as recorded. */
export interface Refund {
  readonly refundId: string;
  readonly orderId: string;
  readonly amountCents: number;
  /** True when the idempotency key had already issued it. */
  readonly replayed: boolean;
}

/** An email as queued for a customer. */
export interface CustomerEmail {
  readonly messageId: string;
  readonly orderId: string;
  readonly to: string;
  readonly subject: string;
  readonly replayed: boolean;
}

const SCHEMA: StoreSchema = {
  kind: 'support-desk',
  migrations: [
    `
    CREATE TABLE orders (order_id TEXT PRIMARY KEY, customer TEXT NOT NULL, total_cents INTEGER NOT NULL, status TEXT NOT NULL) STRICT;
    CREATE TABLE refunds (
      seq INTEGER PRIMARY KEY,
      refund_id TEXT NOT NULL UNIQUE,
      idempotency_key TEXT NOT NULL UNIQUE,
      request_digest TEXT NOT NULL,
      order_id TEXT NOT NULL REFERENCES orders (order_id),
      amount_cents INTEGER NOT NULL CHECK (amount_cents > 0)
    ) STRICT;
    CREATE TABLE emails (
      seq INTEGER PRIMARY KEY,
      message_id TEXT NOT NULL UNIQUE,
      idempotency_key TEXT NOT NULL UNIQUE,
      request_digest TEXT NOT NULL,
      order_id TEXT NOT NULL REFERENCES orders (order_id),
      recipient TEXT NOT NULL,
      subject TEXT NOT NULL,
      body TEXT NOT NULL
    ) STRICT;
  `,
  ],
};

const DEMO_ORDERS = [
  { orderId: 'A-1001', customer: 'ana@example.com', totalCents: 4_800, status: 'delivered: one mug arrived broken' },
  { orderId: 'A-1002', customer: 'ben@example.com', totalCents: 32_000, status: 'delivered late' },
] as const;

const refundSchema = z.strictObject({ orderId: z.string().min(1).max(64), amountCents: positiveCentsSchema, idempotencyKey: idempotencyKeySchema });
const emailSchema = z.strictObject({ orderId: z.string().min(1).max(64), subject: z.string().min(1).max(200), body: z.string().max(10_000), idempotencyKey: idempotencyKeySchema });

/**
 * The support desk's orders, refunds and outgoing mail: one SQLite file. A refund or an
 * email happens at most once per idempotency key; mail goes to the order's customer only.
 */
export class OrderDesk {
  private constructor(private readonly db: StoreDatabase) {}

  /** Opens or creates the desk in `dir` (`desk.sqlite`). */
  static open(dir: string): OrderDesk {
    mkdirSync(dir, { recursive: true });
    return new OrderDesk(openStoreDatabase(join(dir, 'desk.sqlite'), SCHEMA));
  }

  /** Seeds the demo orders; orders already present are kept. */
  seedDemo(): void {
    const insert = this.db.prepare('INSERT INTO orders (order_id, customer, total_cents, status) VALUES (?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING');
    immediateTransaction(this.db, () => {
      for (const order of DEMO_ORDERS) insert.run(order.orderId, order.customer, order.totalCents, order.status);
    });
  }

  /** The order, with what has been refunded on it, or undefined. */
  lookUpOrder(orderId: string): Order | undefined {
    const row = this.db
      .prepare('SELECT o.order_id, o.customer, o.total_cents, o.status, COALESCE(SUM(r.amount_cents), 0) AS refunded FROM orders o LEFT JOIN refunds r ON r.order_id = o.order_id WHERE o.order_id = ? GROUP BY o.order_id')
      .get(orderId) as { order_id: string; customer: string; total_cents: number; status: string; refunded: number } | undefined;
    return row === undefined ? undefined : { orderId: row.order_id, customer: row.customer, totalCents: row.total_cents, refundedCents: row.refunded, status: row.status };
  }

  /** Refunds part of an order once per idempotency key. */
  issueRefund(request: { readonly orderId: string; readonly amountCents: number; readonly idempotencyKey: string }): Refund {
    const input = parseStoreInput(refundSchema, request, 'issueRefund');
    const digest = requestDigest('issueRefund', [input.orderId, input.amountCents]);
    return immediateTransaction(this.db, (): Refund => {
      const recorded = this.db.prepare('SELECT refund_id, request_digest FROM refunds WHERE idempotency_key = ?').get(input.idempotencyKey) as { refund_id: string; request_digest: string } | undefined;
      if (recorded !== undefined) {
        assertSameRequest(input.idempotencyKey, recorded.request_digest, digest);
        return { refundId: recorded.refund_id, orderId: input.orderId, amountCents: input.amountCents, replayed: true };
      }
      const refundId = `rf_${randomUUID()}`;
      this.db.prepare('INSERT INTO refunds (refund_id, idempotency_key, request_digest, order_id, amount_cents) VALUES (?, ?, ?, ?, ?)').run(refundId, input.idempotencyKey, digest, input.orderId, input.amountCents);
      return { refundId, orderId: input.orderId, amountCents: input.amountCents, replayed: false };
    });
  }

  /** Queues an email to the order's customer once per idempotency key. */
  emailCustomer(request: { readonly orderId: string; readonly subject: string; readonly body: string; readonly idempotencyKey: string }): CustomerEmail {
    const input = parseStoreInput(emailSchema, request, 'emailCustomer');
    const digest = requestDigest('emailCustomer', [input.orderId, input.subject, input.body]);
    return immediateTransaction(this.db, (): CustomerEmail => {
      const order = this.lookUpOrder(input.orderId);
      if (order === undefined) throw new Error(`no order ${input.orderId}`);
      const recorded = this.db.prepare('SELECT message_id, request_digest FROM emails WHERE idempotency_key = ?').get(input.idempotencyKey) as { message_id: string; request_digest: string } | undefined;
      if (recorded !== undefined) {
        assertSameRequest(input.idempotencyKey, recorded.request_digest, digest);
        return { messageId: recorded.message_id, orderId: order.orderId, to: order.customer, subject: input.subject, replayed: true };
      }
      const messageId = `msg_${randomUUID()}`;
      this.db.prepare('INSERT INTO emails (message_id, idempotency_key, request_digest, order_id, recipient, subject, body) VALUES (?, ?, ?, ?, ?, ?, ?)').run(messageId, input.idempotencyKey, digest, order.orderId, order.customer, input.subject, input.body);
      return { messageId, orderId: order.orderId, to: order.customer, subject: input.subject, replayed: false };
    });
  }

  /** Every refund issued, oldest first. */
  listRefunds(): { readonly orderId: string; readonly amountCents: number }[] {
    return (this.db.prepare('SELECT order_id, amount_cents FROM refunds ORDER BY seq').all() as { order_id: string; amount_cents: number }[]).map((row) => ({ orderId: row.order_id, amountCents: row.amount_cents }));
  }

  /** Every email queued, oldest first. */
  listEmails(): { readonly to: string; readonly subject: string }[] {
    return (this.db.prepare('SELECT recipient, subject FROM emails ORDER BY seq').all() as { recipient: string; subject: string }[]).map((row) => ({ to: row.recipient, subject: row.subject }));
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}
