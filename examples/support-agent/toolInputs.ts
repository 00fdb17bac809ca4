// The support agent's tool inputs: zod only, so both the worker's declarations
// (activities.ts) and workflow code that hands the tools to a model (an AI SDK tool set)
// import the same schemas.
import { z } from 'zod';

/** Search the knowledge base. */
export const searchDocsInput = z.strictObject({ query: z.string().min(1).max(200) });
/** Write a note into the workspace. */
export const writeNoteInput = z.strictObject({ title: z.string().min(1).max(120), body: z.string().max(10_000) });
/** Send an email. */
export const sendEmailInput = z.strictObject({ to: z.email(), subject: z.string().min(1).max(200), body: z.string().max(10_000) });
/** Refund part of an order, in cents. */
export const issueRefundInput = z.strictObject({ orderId: z.string().min(1).max(64), amountCents: z.number().int().positive().max(1_000_000_00) });
