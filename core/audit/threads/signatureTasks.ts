import type { KeyObject } from 'node:crypto';
import { executionOutcome } from '../checks/checkExecution';
import type { GovernedStep } from '../checks/pairGovernedSteps';
import type { RunContext } from '../checks/runContext';
import type { SignatureTask } from './signaturePool';

/**
 * The signatures one run's checks will verify: each permit's artifact and each action's
 * receipt, with the key their header names. Only a hint of the work ahead: a token whose
 * header cannot be read or whose kid is not trusted is left out (its check refuses it on
 * its own), and nothing here decides anything.
 */
export function signatureTasks(context: RunContext, steps: readonly GovernedStep[]): SignatureTask[] {
  const tasks: SignatureTask[] = [];
  const add = (token: unknown): void => {
    if (typeof token !== 'string') return;
    const key = keyOf(context, token);
    if (key !== undefined) tasks.push({ key, token });
  };
  for (const step of steps) {
    if (step.permit === null) continue;
    add(step.permit.artifact);
    const outcome = executionOutcome(step.action);
    if (outcome.kind === 'completed' || outcome.kind === 'failed') add(outcome.receipt);
  }
  return tasks;
}

function keyOf(context: RunContext, token: string): KeyObject | undefined {
  try {
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? context.keys.get(header.kid) : undefined;
  } catch {
    return undefined;
  }
}
