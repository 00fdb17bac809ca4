// The support desk's workflows: an agent's `writ mcp` session is a governed run
// (writMcpSession), and Writ's control workflow runs beside it.
export { writControl, writMcpSession } from 'writ-governance/workflow';
