// Workflow-safe: `ai` is imported for its types only, so workflows that never use the AI
// SDK do not need it installed, and the bundle holds no more than the workflow imports.
import type { Tool } from 'ai';
import type { z } from 'zod';
import type { GovernedActions, GovernedProxy } from '../core/actions/types';
import { governedOutcome, modelOutputOf, type GovernedToolOutput } from './governedToolOutput';

/** What a governed tool shows the model, beside the action it runs. */
export interface GovernedToolDeclaration<Input> {
  /** What the tool does, in words the model reads to decide when to call it. */
  readonly description?: string;
  /**
   * The action's input schema (the zod schema its `defineAction` declares, from a module
   * both the worker and the workflow import). The model sees it as JSON Schema; Writ's
   * authorization validates the input against the worker's own declaration regardless.
   */
  readonly inputSchema: z.ZodType<Input>;
}

/**
 * An AI SDK tool whose every call is a governed step of the workflow running it: given
 * the proxy of `proxyGoverned<Actions>(options)` and the name of one of its actions, the
 * tool's `execute` authorizes the model's input (a recorded activity), waits for approvals
 * when policy asks, runs the action as an activity that the worker's enforcement point
 * verifies, and returns its result with the receipt kept in history. A refusal (a denial,
 * invalid input, an approval timeout) is the tool's answer, `{ outcome: 'refused', code, ... }`,
 * shown to the model as error text that starts with the code and names the policy, as
 * `writ mcp` answers an agent; nothing ran. Use it in workflow code with
 * `@temporalio/ai-sdk`'s `temporalProvider` and `generateText`.
 */
export function governedTool<T extends GovernedActions, K extends keyof T & string>(
  actions: GovernedProxy<T>,
  action: K,
  declaration: GovernedToolDeclaration<z.input<T[K]['input']>>,
): Tool<z.input<T[K]['input']>, GovernedToolOutput<Awaited<ReturnType<T[K]['execute']>>>> {
  const step = actions[action];
  return {
    ...(declaration.description === undefined ? {} : { description: declaration.description }),
    inputSchema: declaration.inputSchema,
    // The step takes the model's input only: the conversation (`options.messages`) is the
    // model's business, not the action's, and would weigh on every recorded authorization.
    execute: (input: z.input<T[K]['input']>) => governedOutcome(() => step(input)),
    toModelOutput: ({ output }) => modelOutputOf(action, output),
  };
}
