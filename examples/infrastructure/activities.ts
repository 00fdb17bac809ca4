import { z } from 'zod';
import { defineAction } from 'writ-governance';
import type { ChangeCalendar } from './changeCalendar';
import type { InfraStateStore } from './infraStateStore';

/**
 * Infrastructure changes. Policy (policies/infra.cedar) forbids production changes
 * outside a window recorded in the change calendar; the calendar's answer is part of
 * what the policy read, so it is bound into the artifact.
 */
export function createInfraActions(deps: { readonly infra: InfraStateStore; readonly calendar: ChangeCalendar }) {
  return {
    applyInfraChange: defineAction({
      description: 'Apply a configuration change to a service',
      input: z.strictObject({
        environment: z.enum(['development', 'staging', 'production']),
        service: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
        change: z.string().min(1).max(500),
      }),
      resource: (input) => ({
        resource: { uid: { type: 'Writ::Service', id: `${input.environment}/${input.service}` }, attrs: { environment: input.environment }, parents: [] },
        context: { inChangeWindow: deps.calendar.isInWindow(input.environment) },
      }),
      execute: async (input, context) =>
        deps.infra.applyChange({ environment: input.environment, service: input.service, change: input.change, idempotencyKey: context.idempotencyKey }),
    }),
  };
}
