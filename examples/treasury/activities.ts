import { z } from 'zod';
import { defineAction } from 'writ-governance';
import { WritError } from 'writ-governance';
import type { LedgerStore } from './ledgerStore';

const accountId = z.string().min(1).max(64);

/**
 * Funds transfers over the local ledger. Policy (policies/transfers.cedar) sees the
 * source account as the resource and reads the amount and the destination's frozen flag.
 */
export function createLedgerActions(deps: { readonly ledger: LedgerStore }) {
  return {
    transferFunds: defineAction({
      description: 'Move money between two ledger accounts',
      input: z.strictObject({
        fromAccount: accountId,
        toAccount: accountId,
        amountCents: z.number().int().positive().max(1_000_000_000_00),
        memo: z.string().max(200).optional(),
      }),
      resource: (input) => {
        const from = deps.ledger.getAccount(input.fromAccount);
        const to = deps.ledger.getAccount(input.toAccount);
        if (!from || !to) throw new WritError('RESOURCE_UNAVAILABLE', `account ${!from ? input.fromAccount : input.toAccount} does not exist`);
        return {
          resource: { uid: { type: 'Writ::Account', id: from.id }, attrs: { owner: from.owner, frozen: from.frozen }, parents: [] },
          context: { amountCents: input.amountCents, toAccount: to.id, toFrozen: to.frozen },
        };
      },
      execute: async (input, context) =>
        deps.ledger.transfer({
          from: input.fromAccount,
          to: input.toAccount,
          amountCents: input.amountCents,
          ...(input.memo === undefined ? {} : { memo: input.memo }),
          idempotencyKey: context.idempotencyKey,
        }),
    }),
  };
}
