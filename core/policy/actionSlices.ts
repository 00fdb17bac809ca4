import * as cedar from './cedarRuntime';
import type { NamedPolicy } from './policySet';
import type { WritNamespace } from './writSchema';

/** The entity type of Writ's actions, as Cedar's policy JSON spells it. */
const ACTION_TYPE = 'Writ::Action';

type EntityRef = { readonly type: string; readonly id: string };
type ActionScope = { readonly op: 'All' } | { readonly op: '=='; readonly entity: EntityRef } | { readonly op: 'in'; readonly entity?: EntityRef; readonly entities?: readonly EntityRef[] };

/**
 * For each action the schema declares, the policies that can apply to it; undefined when
 * that cannot be established, and every decision then uses the whole set.
 *
 * Cedar evaluates every policy of a set on every request, a few microseconds each, so a
 * set of a hundred policies costs a quarter of a millisecond per decision even when only
 * three are about the action asked. A policy whose action scope cannot match action X is
 * never satisfied for X and never evaluates its conditions (the scope is checked first
 * and short-circuits), so it can add no permit, no forbid and no error: deciding X under
 * the policies that can match gives exactly the same decision, determining policies and
 * errors. Exclusion is proven, never guessed: a policy is left out only when its scope is
 * `action == A` or `action in [...]` naming Writ actions none of which is X or one of
 * X's action groups (from the schema's `in [...]` declarations). Anything else stays in.
 */
export function policiesByAction(schema: WritNamespace, policies: readonly NamedPolicy[]): ReadonlyMap<string, readonly NamedPolicy[]> | undefined {
  const groups = actionGroups(schema);
  if (groups === undefined) return undefined;
  const scopes: ActionScope[] = [];
  for (const policy of policies) {
    const json = cedar.policyToJson(policy.text);
    if (json.type === 'failure') return undefined;
    scopes.push(json.json.action as ActionScope);
  }
  const slices = new Map<string, NamedPolicy[]>();
  for (const [action, ancestors] of groups) {
    const matches = new Set([action, ...ancestors]);
    slices.set(
      action,
      policies.filter((_, index) => mayApply(scopes[index]!, matches)),
    );
  }
  return slices;
}

/** False only when the scope provably names other Writ actions alone. */
function mayApply(scope: ActionScope, matches: ReadonlySet<string>): boolean {
  const named = scope.op === 'All' ? undefined : scope.op === '==' ? [scope.entity] : (scope.entities ?? (scope.entity === undefined ? undefined : [scope.entity]));
  if (named === undefined) return true;
  return named.some((entity) => entity.type !== ACTION_TYPE || matches.has(entity.id));
}

/**
 * Every Writ action with all its action groups, transitively; undefined when the schema
 * declares no actions or an action is a member of anything but another Writ action (then
 * the hierarchy could leave the namespace and come back, and nothing is excluded).
 */
function actionGroups(schema: WritNamespace): Map<string, Set<string>> | undefined {
  const actions = schema.actions;
  if (actions === undefined) return undefined;
  const parents = new Map<string, string[]>();
  for (const [name, declaration] of Object.entries(actions)) {
    const memberOf = declaration.memberOf ?? [];
    if (memberOf.some((parent) => parent.type !== undefined && parent.type !== 'Action' && parent.type !== ACTION_TYPE)) return undefined;
    parents.set(
      name,
      memberOf.map((parent) => parent.id),
    );
  }
  const groups = new Map<string, Set<string>>();
  for (const name of parents.keys()) {
    const ancestors = new Set<string>();
    const pending = [...(parents.get(name) ?? [])];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (ancestors.has(next)) continue;
      ancestors.add(next);
      pending.push(...(parents.get(next) ?? []));
    }
    groups.set(name, ancestors);
  }
  return groups;
}
