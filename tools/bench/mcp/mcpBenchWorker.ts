// The worker module the MCP case's `writ mcp` loads: no declared actions, so every tool it
// serves is the upstream's.
import type { WritWorkerDefinition } from '../../../worker/startWritWorker';

/** No governed actions of its own: `writ mcp` serves the configured upstream's tools only. */
export const writWorker: WritWorkerDefinition = { actions: {} };
