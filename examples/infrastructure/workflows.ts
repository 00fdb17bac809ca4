import { proxyGoverned } from 'writ-governance/workflow';
import type { ExampleActions } from '../exampleActions';

const { applyInfraChange } = proxyGoverned<ExampleActions>({ startToCloseTimeout: '30s' });

/** One configuration change to one service. */
export interface InfraChangeInput {
  readonly environment: 'development' | 'staging' | 'production';
  readonly service: string;
  readonly change: string;
}

/**
 * Applies an infrastructure change as a governed step. In production, policy permits it
 * only inside a window recorded in the change calendar.
 */
export async function changeInfrastructure(input: InfraChangeInput) {
  return applyInfraChange(input);
}
