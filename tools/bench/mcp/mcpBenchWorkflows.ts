// The MCP case's workflows: only the session workflow writ mcp starts for each agent.
export { writMcpSession } from '../../../workflows/mcpSession';
