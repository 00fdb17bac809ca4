import { z } from 'zod';
import { defineAction } from '../../../core/actions/defineAction';

/**
 * The MCP case's declared action: `benchEcho` returns its text and does nothing else, so a
 * call to it through `writ mcp` is a governed step and nothing more, the yardstick the
 * upstream call is set beside.
 */
export function createMcpBenchActions() {
  return {
    benchEcho: defineAction({
      input: z.strictObject({ text: z.string().max(1024) }),
      description: 'Returns its text: a governed step that does nothing else.',
      resource: () => ({ resource: { uid: { type: 'Writ::BenchTool', id: 'echo' }, attrs: {}, parents: [] } }),
      execute: async (input) => ({ text: input.text }),
    }),
  };
}
