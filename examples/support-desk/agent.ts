import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** One tool call of the conversation and how `writ mcp` answered it. */
export interface DeskTurn {
  readonly tool: string;
  readonly arguments: Record<string, unknown>;
  /** True when Writ refused the call (the text starts with the code). */
  readonly refused: boolean;
  readonly text: string;
}

/** What the agent does for two customers who wrote in: the calls a model would make, as a script. */
export const CONVERSATION: readonly { readonly tool: string; readonly arguments: Record<string, unknown> }[] = [
  { tool: 'lookUpOrder', arguments: { orderId: 'A-1001' } },
  // 15.00 for the broken mug: the agent's own call.
  { tool: 'issueRefund', arguments: { orderId: 'A-1001', amountCents: 1_500, reason: 'one mug arrived broken' } },
  { tool: 'emailCustomer', arguments: { orderId: 'A-1001', subject: 'Your refund', body: 'We refunded 15.00 for the broken mug.' } },
  // 500.00 on a 48.00 order: no approval can make that right.
  { tool: 'issueRefund', arguments: { orderId: 'A-1001', amountCents: 50_000, reason: 'customer asked for more' } },
  { tool: 'lookUpOrder', arguments: { orderId: 'A-1002' } },
  // 60.00 for a late delivery: above 20.00, so it waits for a support lead.
  { tool: 'issueRefund', arguments: { orderId: 'A-1002', amountCents: 6_000, reason: 'delivered a week late' } },
];

/**
 * Runs the support agent's conversation through an MCP client connected to `writ mcp`:
 * each call is a governed step of the agent's session run; a refusal is a tool result
 * the agent reads and carries on from; a call that needs approval waits, reporting
 * progress, for as long as the gateway lets it.
 */
export async function runSupportConversation(client: Client, say: (line: string) => void = () => undefined): Promise<DeskTurn[]> {
  const turns: DeskTurn[] = [];
  for (const call of CONVERSATION) {
    say(`agent calls ${call.tool} ${JSON.stringify(call.arguments)}`);
    const result = (await client.callTool({ name: call.tool, arguments: call.arguments }, undefined, {
      onprogress: (progress) => say(`  ${progress.message ?? 'waiting'}`),
      resetTimeoutOnProgress: true,
      timeout: 60_000,
    })) as CallToolResult;
    const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
    turns.push({ tool: call.tool, arguments: call.arguments, refused: result.isError === true, text });
    say(`  ${result.isError === true ? 'refused' : 'done'}: ${text.split('\n')[0]}`);
  }
  return turns;
}

/**
 * `node dist/examples/support-desk/agent.js [gateway command...]`: starts `writ mcp`
 * (default `npx writ mcp --module <this desk's worker>`) on stdio with the caller's
 * environment (WRIT_MCP_CREDENTIAL, TEMPORAL_ADDRESS, ...) and runs the conversation.
 */
async function main(argv: readonly string[]): Promise<void> {
  const [command = 'npx', ...args] = argv.length > 0 ? argv : ['npx', 'writ', 'mcp', '--module', require.resolve('./worker')];
  const client = new Client({ name: 'support-desk-agent', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command, args, env: process.env as Record<string, string>, stderr: 'inherit' }));
  try {
    await runSupportConversation(client, (line) => console.log(line));
  } finally {
    await client.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
