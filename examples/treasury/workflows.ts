import { proxyGoverned } from 'writ-governance/workflow';
import type { ExampleActions } from '../exampleActions';

const { transferFunds: transfer } = proxyGoverned<ExampleActions>({ startToCloseTimeout: '30s' });

/** Input of the funds transfer workflow. */
export interface TransferFundsInput {
  readonly fromAccount: string;
  readonly toAccount: string;
  readonly amountCents: number;
  readonly memo?: string;
}

/**
 * Moves money between two ledger accounts as one governed step. Policy forbids amounts
 * above the limit and frozen accounts; a denial fails the workflow with its code.
 */
export async function transferFunds(input: TransferFundsInput) {
  return transfer(input);
}
