// Workflows for the fault tests: the example transfer with a short action timeout, so a
// worker killed mid-action is retried in seconds rather than after the example's 30 s.
import { proxyGoverned } from '../../workflows';
import type { ExampleActions } from '../../examples/exampleActions';

const { transferFunds } = proxyGoverned<ExampleActions>({ startToCloseTimeout: '3s' });

/** One governed transfer; the fault worker's latches decide where it stops. */
export async function faultTransfer(input: { fromAccount: string; toAccount: string; amountCents: number; memo?: string }): Promise<unknown> {
  return transferFunds(input);
}

// Agents' sessions too, so that a fault worker can hold a tool call's action mid-body.
export { writMcpSession } from '../../workflows/mcpSession';
