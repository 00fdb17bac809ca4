// Workflow-safe: the MCP client and the AI SDK are named by type only.
import type { ToolSet } from 'ai';
import type { TemporalMCPClient } from '@temporalio/ai-sdk/workflow';
import type { GovernedActions } from '../core/actions/types';
import { proxyGoverned, type GovernedOptions } from '../workflows/proxyGoverned';
import { mcpCallToolAction } from './governedMcpServer';
import { governedOutcome, modelOutputOf } from './governedToolOutput';

/**
 * The tools of an MCP server reached through `@temporalio/ai-sdk`'s `TemporalMCPClient`,
 * each call a governed step: the listing runs as the client schedules it, and every tool's
 * `execute` authorizes the model's arguments as the governed action `<name>-callTool`
 * (see `governedMcpServer` on the worker), runs the call as that activity behind the
 * enforcement point, and keeps its receipt. A refusal is the tool's answer with its code,
 * as `governedTool` gives; nothing reached the server.
 */
export async function governedMcpTools(client: Pick<TemporalMCPClient, 'options' | 'tools'>, options: GovernedOptions): Promise<ToolSet> {
  const listed = await client.tools();
  const action = mcpCallToolAction(client.options.name);
  const actions = proxyGoverned<GovernedActions>(options);
  return Object.fromEntries(
    Object.entries(listed).map(([name, tool]) => [
      name,
      {
        ...tool,
        execute: (input: unknown) => governedOutcome(() => actions[action]!({ name, input } as never)),
        toModelOutput: ({ output }: { output: Parameters<typeof modelOutputOf>[1] }) => modelOutputOf(name, output),
      },
    ]),
  ) as ToolSet;
}
