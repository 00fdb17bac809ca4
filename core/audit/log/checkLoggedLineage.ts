import { reportLogged, type LoggedRunContext } from './loggedRunContext';

/**
 * Step: the run's hash chain, from its artifacts in log order (a run's authorizations take
 * turns, and each artifact is logged once the chain took it as its head, so log order is
 * chain order). The first must be sequence 1 with no previous; each next names the one
 * before by digest, and every one the same parent link. A gap, a reordering or an artifact
 * removed from the log (even one whose log was re-signed around the hole) is LINEAGE_BROKEN;
 * after a break the walk continues from what was found, so one missing step is one finding.
 * A parent link is followed when the parent's artifact is in the log, and noted otherwise.
 */
export function checkLoggedLineage(context: LoggedRunContext, loggedArtifacts: ReadonlySet<string>): void {
  const first = context.artifacts[0];
  if (first === undefined) return;
  const parent = first.claims.writ.lineage.parent;
  if (parent !== null && !loggedArtifacts.has(parent)) {
    context.notes.push(`the run's parent link ${parent} names an artifact this log does not hold: the parent's chain is not checked`);
  }
  let expected = { sequence: 1, previous: null as string | null, parent };
  for (const artifact of context.artifacts) {
    const found = artifact.claims.writ.lineage;
    if (found.sequence !== expected.sequence || found.previous !== expected.previous || found.parent !== expected.parent) {
      reportLogged(context, 'LINEAGE_BROKEN', artifact.logged.index, describe(expected), `${describe(found)} in artifact ${artifact.claims.jti}`, 'the lineage chain of the run is broken here: an artifact is missing from the log, moved, or from elsewhere');
    }
    expected = { sequence: found.sequence + 1, previous: artifact.digest, parent };
  }
}

function describe(link: { sequence: number; previous: string | null; parent: string | null }): string {
  return `sequence ${link.sequence}, previous ${link.previous ?? 'none'}, parent ${link.parent ?? 'none'}`;
}
