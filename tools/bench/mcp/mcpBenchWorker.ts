// The worker module the MCP case's `writ mcp` loads: the declared action it serves beside
// the configured upstream's tools.
import type { WritWorkerDefinition } from '../../../worker/startWritWorker';
import { createMcpBenchActions } from './mcpBenchActions';

/** `benchEcho`, the declared action; the upstream's tools come from writ.config.json. */
export const writWorker: WritWorkerDefinition = { actions: createMcpBenchActions };
