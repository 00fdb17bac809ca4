import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpCallOutcome } from '../core/protocol/mcpContract';

/**
 * A governed tool call's answer as MCP puts it to an agent. A result is its JSON as text
 * (and as `structuredContent` when it is an object). A refusal is `isError: true` whose
 * text starts with the stable code, then the reason, the policy version and the
 * determining policies when the refusal recorded them, and every input problem; the same
 * facts are in `structuredContent` for an agent that reads JSON.
 */
export function toolResultOf(tool: string, outcome: McpCallOutcome): CallToolResult {
  if (outcome.outcome === 'result') {
    const structured = typeof outcome.result === 'object' && outcome.result !== null && !Array.isArray(outcome.result) ? { structuredContent: outcome.result as Record<string, unknown> } : {};
    return { content: [{ type: 'text', text: JSON.stringify(outcome.result ?? null) }], ...structured };
  }
  const lines = [`${outcome.code}: Writ refused ${tool}: ${outcome.message}`];
  const { policyVersion, determiningPolicies, issues } = outcome.facts as { policyVersion?: unknown; determiningPolicies?: unknown; issues?: unknown };
  if (typeof policyVersion === 'string') lines.push(`policy version: ${policyVersion}`);
  if (Array.isArray(determiningPolicies) && determiningPolicies.length > 0) lines.push(`determining policies: ${determiningPolicies.join(', ')}`);
  if (Array.isArray(issues)) for (const issue of issues as { path?: unknown; message?: unknown }[]) lines.push(`- ${String(issue.path)}: ${String(issue.message)}`);
  return {
    isError: true,
    content: [{ type: 'text', text: lines.join('\n') }],
    structuredContent: { code: outcome.code, message: outcome.message, ...outcome.facts },
  };
}
