import * as cedar from './cedarRuntime';
import { WritError } from '../errors/writError';

/** What the engine reads of the schema's `Writ` namespace (Cedar's JSON schema form). */
export interface WritNamespace {
  readonly entityTypes?: Record<string, { readonly shape?: { readonly attributes?: Record<string, unknown> }; readonly memberOfTypes?: readonly unknown[] }>;
  readonly actions?: Record<string, { readonly memberOf?: readonly { readonly id: string; readonly type?: string }[] }>;
}

/**
 * The schema's `Writ` namespace, parsed once for everything the engine derives from it;
 * empty when the schema declares no such namespace. A schema that does not parse is
 * POLICY_INVALID.
 */
export function readWritSchema(schemaText: string): WritNamespace {
  const answer = cedar.schemaToJson(schemaText);
  if (answer.type === 'failure') {
    throw new WritError('POLICY_INVALID', 'policy schema does not parse', { issues: answer.errors.map((error) => ({ path: 'schema', message: error.message })) });
  }
  return (answer.json as Record<string, WritNamespace>)['Writ'] ?? {};
}

/**
 * Writ hands Cedar a principal's groups as the principal's parents only, never as entities
 * of their own (see PolicyEngine.decide). That is exact while `Writ::Group` has neither
 * attributes nor parents of its own, so a schema that gives it either, or lacks it, is
 * refused rather than evaluated differently from what it says.
 */
export function requireBareGroups(schema: WritNamespace): void {
  const group = schema.entityTypes?.['Group'];
  if (group === undefined) {
    throw new WritError('POLICY_INVALID', "policy schema must declare `entity Group;` in namespace Writ (the principal's groups)");
  }
  if (Object.keys(group.shape?.attributes ?? {}).length > 0 || (group.memberOfTypes ?? []).length > 0) {
    throw new WritError('POLICY_INVALID', "Writ::Group must have no attributes and no parents: groups reach Cedar only as the principal's parents", {
      issues: [{ path: 'schema', message: 'declare it as `entity Group;`' }],
    });
  }
}
