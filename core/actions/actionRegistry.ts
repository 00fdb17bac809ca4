import { WritError } from '../errors/writError';
import type { GovernedAction, GovernedActions } from './types';
import { MCP_UPSTREAM_ACTION_NAME } from '../protocol/mcpContract';

/** Writ's own activities: they run on a governed worker without an artifact. */
export const WRIT_ACTIVITY_PREFIX = 'writ.';

// Hyphens too: the activity types @temporalio/ai-sdk's MCP client schedules are
// `<server>-callTool`, and a governed MCP server's action must carry that name.
const ACTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * The governed actions one worker serves, by name. The name is the activity type and the
 * Cedar action id, so one string ties the workflow's call, the policy and the artifact.
 */
export class ActionRegistry {
  private readonly actions: ReadonlyMap<string, GovernedAction>;

  constructor(actions: GovernedActions) {
    for (const name of Object.keys(actions)) {
      // An upstream MCP server's tools are actions named mcp:<server>:<tool>.
      if (!ACTION_NAME.test(name) && !MCP_UPSTREAM_ACTION_NAME.test(name)) throw new TypeError(`governed action name "${name}" must match ${ACTION_NAME}`);
    }
    this.actions = new Map(Object.entries(actions));
  }

  /** The declaration for `name`, or ACTION_UNKNOWN. */
  get(name: string): GovernedAction {
    const action = this.actions.get(name);
    if (!action) throw new WritError('ACTION_UNKNOWN', `"${name}" is not a governed action on this worker`);
    return action;
  }

  /** True when `name` is a governed action here. */
  has(name: string): boolean {
    return this.actions.has(name);
  }

  /** Every governed action name. */
  names(): string[] {
    return [...this.actions.keys()];
  }
}
