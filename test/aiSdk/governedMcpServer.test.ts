import { governedMcpServer, type McpToolClient } from '../../exports/aiSdk';
import { codeOf, awaitedCodeOf } from '../support/codeOf';

// The worker side of a governed MCP server as a unit: what its listing activity returns
// and refuses, and what its governed action declares. The client is a stand-in that
// records what it was asked; the end-to-end tests use the real filesystem server.

function recordingClient(pages: { tools: { name: string; description?: string; inputSchema: unknown }[]; nextCursor?: string }[]) {
  const asked: string[] = [];
  let closed = 0;
  const client: McpToolClient = {
    async listTools(options) {
      asked.push(`list ${options?.params?.cursor ?? '-'}`);
      return pages[asked.filter((a) => a.startsWith('list')).length - 1] ?? { tools: [] };
    },
    async callTool(args) {
      asked.push(`call ${args.name}`);
      if (args.name === 'explode') throw new Error('the server failed');
      return { content: [{ type: 'text', text: 'ok' }] };
    },
    async close() {
      closed += 1;
    },
  };
  return { client, asked, closed: () => closed };
}

describe('the listing activity', () => {
  it('reads every page and gives each tool as TemporalMCPClient reads it', async () => {
    const { client, asked, closed } = recordingClient([
      { tools: [{ name: 'read_text_file', description: 'Read a file', inputSchema: { type: 'object' } }], nextCursor: 'page-2' },
      { tools: [{ name: 'write_file', inputSchema: { type: 'object', required: ['path'] } }] },
    ]);
    const files = governedMcpServer({ name: 'files', connect: async () => client });
    await expect(files.activities['files-listTools']!()).resolves.toEqual({
      read_text_file: { description: 'Read a file', inputSchema: { jsonSchema: { type: 'object' } } },
      write_file: { inputSchema: { jsonSchema: { type: 'object', required: ['path'] } } },
    });
    expect(asked).toEqual(['list -', 'list page-2']);
    expect(closed()).toBe(1);
  });

  it('refuses clientArgs from a workflow, INPUT_INVALID, without connecting', async () => {
    let connected = 0;
    const files = governedMcpServer({ name: 'files', connect: async () => ((connected += 1), recordingClient([]).client) });
    await expect(awaitedCodeOf(() => files.activities['files-listTools']!({ clientArgs: { url: 'http://elsewhere.test/mcp' } }))).resolves.toBe('INPUT_INVALID');
    expect(connected).toBe(0);
  });
});

describe('the governed action', () => {
  const files = governedMcpServer({ name: 'files', connect: async () => recordingClient([]).client });
  const action = files.actions['files-callTool']!;

  it('is the call activity, one attempt per authorization by default', () => {
    expect(Object.keys(files.actions)).toEqual(['files-callTool']);
    expect(action.maxAttempts).toBe(1);
  });

  it('takes a tool name and an object of arguments, nothing else', () => {
    expect(action.input.safeParse({ name: 'read_text_file', input: { path: '/tmp/a' } }).success).toBe(true);
    const refused = action.input.safeParse({ name: 'read text file', input: [], options: { messages: [] } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.path.join('.') || issue.code).sort()).toEqual(['input', 'name', 'unrecognized_keys']);
  });

  it('shows policy the tool as Writ::McpTool <server>/<tool> unless told otherwise', async () => {
    await expect(Promise.resolve(action.resource({ name: 'write_file', input: { path: '/tmp/a' } }))).resolves.toEqual({
      resource: { uid: { type: 'Writ::McpTool', id: 'files/write_file' }, attrs: { server: 'files' }, parents: [] },
    });
    const withPath = governedMcpServer({ name: 'files', connect: async () => recordingClient([]).client, resource: ({ tool, input }) => ({ resource: { uid: { type: 'Writ::McpTool', id: tool }, attrs: {}, parents: [] }, context: { path: String(input['path']) } }) });
    await expect(Promise.resolve(withPath.actions['files-callTool']!.resource({ name: 'write_file', input: { path: '/tmp/a' } }))).resolves.toMatchObject({ context: { path: '/tmp/a' } });
  });

  it('closes its connection after the call, also when the server fails', async () => {
    const recorded = recordingClient([]);
    const server = governedMcpServer({ name: 'files', connect: async () => recorded.client });
    const call = server.actions['files-callTool']!;
    const context = { idempotencyKey: 'k', principal: 'p', artifactId: 'a' };
    await expect(call.execute({ name: 'read_text_file', input: {} }, context)).resolves.toEqual({ content: [{ type: 'text', text: 'ok' }] });
    await expect(call.execute({ name: 'explode', input: {} }, context)).rejects.toThrow('the server failed');
    expect(recorded.asked).toEqual(['call read_text_file', 'call explode']);
    expect(recorded.closed()).toBe(2);
  });
});

describe('when a governed MCP server is declared with a name TemporalMCPClient could not address', () => {
  it.each(['files-callTool', '', '1files', 'files/x'])('refuses "%s", CONFIG_INVALID', (name) => {
    expect(codeOf(() => governedMcpServer({ name, connect: async () => recordingClient([]).client }))).toBe('CONFIG_INVALID');
  });
});
