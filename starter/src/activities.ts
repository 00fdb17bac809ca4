import { z } from 'zod';
import { defineAction } from 'writ-governance';

/** Where deployments happen. A real project calls its deploy system here. */
export interface Deployments {
  deploy(request: { service: string; environment: string; version: string; idempotencyKey: string }): Promise<string>;
}

/**
 * The governed actions this project's workers serve. Each is one declaration: its input
 * schema (strict), how policy sees it (the Cedar resource and context), and the action.
 * Writ authorizes every call before it runs and signs a receipt after.
 */
export function createActivities(deps: { deployments: Deployments }) {
  return {
    deployService: defineAction({
      input: z.strictObject({
        service: z.string().min(1),
        environment: z.enum(['staging', 'production']),
        version: z.string().min(1),
      }),
      resource: (input) => ({
        resource: { uid: { type: 'Writ::Service', id: input.service }, attrs: { environment: input.environment }, parents: [] },
        context: { version: input.version },
      }),
      // The idempotency key is the same across retries: the deploy happens at most once.
      execute: async (input, { idempotencyKey }) => deps.deployments.deploy({ ...input, idempotencyKey }),
    }),
  };
}

/** The governed actions' types, for workflow code (`proxyGoverned<Activities>`). */
export type Activities = ReturnType<typeof createActivities>;
