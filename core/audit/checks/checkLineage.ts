import { sha256Digest } from '../../canonical/digest';
import type { GovernedStep } from './pairGovernedSteps';
import { report, type RunContext } from './runContext';

interface Link {
  readonly sequence: number;
  readonly previous: string | null;
  readonly parent: string | null;
}

/**
 * Step: the hash chain inside the run. Authorizations are walked in order; each must name
 * the link the chain has reached: sequence n, the digest of the run's previous artifact, and
 * the parent link the run was started with (its `writ-lineage` header). Every permit extends
 * the chain, whether or not its action then ran; a denial mints nothing and does not. The
 * signed claims are judged when the artifact verified, the recorded request otherwise. After
 * a break the walk continues from what was found, so one dropped or moved step is one finding.
 */
export function checkLineage(context: RunContext, steps: readonly GovernedStep[]): void {
  const parent = runParentLink(context);
  let expected: Link = { sequence: 1, previous: null, parent };
  for (const step of steps) {
    const found = step.claims?.writ.lineage ?? step.request?.lineage;
    if (found === undefined) continue;
    const source = step.claims === null ? `the authorization request at event ${step.authorization.scheduled.eventId}` : `artifact ${step.claims.jti}`;
    const eventId = step.permit !== null && step.authorization.end.status === 'completed' ? step.authorization.end.at.eventId : step.authorization.scheduled.eventId;
    if (found.sequence !== expected.sequence || found.previous !== expected.previous || found.parent !== expected.parent) {
      report(context, 'LINEAGE_BROKEN', eventId, describe(expected), `${describe(found)} in ${source}`, 'the lineage chain of the run is broken here: a step is missing, moved or from elsewhere');
    }
    if (step.permit !== null) expected = { sequence: found.sequence + 1, previous: sha256Digest(step.permit.artifact), parent };
    else expected = { sequence: found.sequence, previous: found.previous, parent };
  }
}

/** The parent link the run was started with: its `writ-lineage` header, or null. */
export function runParentLink(context: RunContext): string | null {
  const header = context.record.start?.lineageHeader;
  if (header === null || header === undefined) return null;
  if (!header.ok || typeof header.value !== 'string') {
    report(context, 'HISTORY_MALFORMED', context.record.start?.at.eventId ?? 1, 'a writ-lineage header holding a digest', header.ok ? 'another value' : header.reason, 'the run start header cannot be read');
    return null;
  }
  return header.value;
}

/**
 * The run's chain head as of an event: the digest of the last artifact whose authorization
 * completed before it (what the workflow passed on to a child or a continued run then).
 */
export function chainHeadBefore(steps: readonly GovernedStep[], eventId: number): string | null {
  let head: string | null = null;
  for (const step of steps) {
    if (step.permit !== null && step.authorization.end.status === 'completed' && step.authorization.end.at.eventId < eventId) {
      head = sha256Digest(step.permit.artifact);
    }
  }
  return head;
}

function describe(link: Link): string {
  return `sequence ${link.sequence}, previous ${link.previous ?? 'none'}, parent ${link.parent ?? 'none'}`;
}
