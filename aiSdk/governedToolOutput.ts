// Workflow-safe: types, and pure functions over values already in the workflow.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { ToolResultPart } from 'ai';
import { WRIT_ERROR_CODES } from '../core/errors/writError';
import { toolResultOf } from '../mcp/toolResult';

/**
 * What a governed tool's `execute` returns to the AI SDK: the action's result, or Writ's
 * refusal with its stable code and what the refusal recorded (policy version, determining
 * policies, input issues). A refusal is an answer, not an exception: the model reads it
 * and carries on, and nothing ran.
 */
export type GovernedToolOutput<Result = unknown> =
  | {
      /** The governed step ran: authorized, enforced, executed, receipted. */
      readonly outcome: 'result';
      /** What the action's `execute` returned. */
      readonly result: Result;
    }
  | {
      /** Writ refused the call before the action ran. */
      readonly outcome: 'refused';
      /** The stable code (`POLICY_DENIED`, `INPUT_INVALID`, `APPROVAL_TIMEOUT`, ...). */
      readonly code: string;
      /** The refusal's reason, in words. */
      readonly message: string;
      /** What the refusal recorded, as plain JSON. */
      readonly facts: Record<string, unknown>;
    };

/**
 * Runs one governed step and turns a refusal Writ raised into the tool's answer; any
 * other failure (the action itself threw, the workflow was cancelled) propagates, so the
 * AI SDK reports it as a tool error and Temporal's own semantics are untouched.
 */
export async function governedOutcome<Result>(step: () => Promise<Result>): Promise<GovernedToolOutput<Result>> {
  try {
    return { outcome: 'result', result: await step() };
  } catch (error) {
    const failure = error instanceof ActivityFailure ? error.cause : error;
    if (!(failure instanceof ApplicationFailure) || typeof failure.type !== 'string' || !(WRIT_ERROR_CODES as readonly string[]).includes(failure.type)) throw error;
    const facts = failure.details?.[0];
    return {
      outcome: 'refused',
      code: failure.type,
      message: failure.message,
      facts: typeof facts === 'object' && facts !== null && !Array.isArray(facts) ? (facts as Record<string, unknown>) : {},
    };
  }
}

/**
 * What the model is shown of a governed tool's answer: a result as JSON, a refusal as
 * error text that starts with its code, exactly as `writ mcp` words it to an agent.
 */
export function modelOutputOf(tool: string, output: GovernedToolOutput): ModelOutput {
  if (output.outcome === 'result') return { type: 'json', value: jsonValueOf(output.result) };
  const answer = toolResultOf(tool, output);
  const text = answer.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  return { type: 'error-text', value: text };
}

/** What the AI SDK sends the model for one tool result. */
type ModelOutput = ToolResultPart['output'];
type JsonOutput = Extract<ModelOutput, { type: 'json' }>['value'];

/** A result as the JSON the model reads: undefined becomes null, the rest is already JSON (Temporal's payloads carried it). */
function jsonValueOf(value: unknown): JsonOutput {
  return value === undefined ? null : (value as JsonOutput);
}
