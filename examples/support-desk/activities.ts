import { z } from 'zod';
import { defineAction, WritError, type ResourceView } from 'writ-governance';
import type { OrderDesk } from './orderDesk';

/**
 * The support desk's tools as governed actions: an agent reaches them through `writ mcp`,
 * and policy (policies/desk.cedar) decides each call. Every tool names an order, which is
 * the Cedar resource, so a policy reads what was paid and what was refunded already.
 */
export function createSupportDeskActions(deps: { readonly desk: OrderDesk }) {
  const order = (orderId: string, context: Record<string, unknown> = {}): ResourceView => {
    const found = deps.desk.lookUpOrder(orderId);
    if (found === undefined) throw new WritError('RESOURCE_UNAVAILABLE', `no order ${orderId}`);
    return {
      resource: { uid: { type: 'Writ::Order', id: found.orderId }, attrs: { customer: found.customer, totalCents: found.totalCents, refundedCents: found.refundedCents }, parents: [] },
      context: { ...context, refundableCents: found.totalCents - found.refundedCents },
    };
  };
  const orderId = z.string().min(1).max(64);
  return {
    lookUpOrder: defineAction({
      description: "Look up an order: its customer, total, what was refunded, and its status",
      input: z.strictObject({ orderId }),
      resource: (input) => order(input.orderId),
      execute: async (input) => deps.desk.lookUpOrder(input.orderId),
    }),
    issueRefund: defineAction({
      description: 'Refund part of an order, in cents (above 20.00 a support lead approves first)',
      input: z.strictObject({ orderId, amountCents: z.int().positive().max(1_000_000_00), reason: z.string().min(1).max(500) }),
      resource: (input) => order(input.orderId, { amountCents: input.amountCents }),
      execute: async (input, { idempotencyKey }) => deps.desk.issueRefund({ orderId: input.orderId, amountCents: input.amountCents, idempotencyKey }),
    }),
    emailCustomer: defineAction({
      description: "Email the customer of an order (only the order's own customer)",
      input: z.strictObject({ orderId, subject: z.string().min(1).max(200), body: z.string().max(10_000) }),
      resource: (input) => order(input.orderId),
      execute: async (input, { idempotencyKey }) => deps.desk.emailCustomer({ ...input, idempotencyKey }),
    }),
  };
}

/** The desk's governed actions' types. */
export type SupportDeskActions = ReturnType<typeof createSupportDeskActions>;
