import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { upstreamTools } from '../../../mcp/upstream/upstreamActions';
import { upstreamInputSchema } from '../../../mcp/upstream/upstreamInputSchema';
import { awaitedCodeOf, codeOf } from '../../support/codeOf';

const readTool: Tool = { name: 'read_text_file', description: 'reads', inputSchema: { type: 'object', properties: { path: { type: 'string' }, head: { type: 'number' } }, required: ['path'] } };
const moveTool: Tool = { name: 'move_file', inputSchema: { type: 'object', properties: { source: { type: 'string' }, destination: { type: 'string' } }, required: ['source', 'destination'] } };
const noCall = async (): Promise<never> => {
  throw new Error('the upstream must not be called');
};

describe('upstreamTools', () => {
  it('names each tool <server>__<tool> for the agent and mcp:<server>:<tool> for Writ', () => {
    const [read] = upstreamTools({ name: 'files', pathArguments: undefined }, [readTool], noCall);
    expect(read?.tool.name).toBe('files__read_text_file');
    expect(read?.actionName).toBe('mcp:files:read_text_file');
    expect(read?.action.maxAttempts).toBe(1);
    expect(read?.tool.inputSchema).toMatchObject({ additionalProperties: false });
  });

  describe('when an upstream advertises a tool name outside [A-Za-z0-9_-]', () => {
    it.each(['read;rm -rf /', 'read file', 'read.file', '../read', '', 'a'.repeat(65), 'ré'])('refuses %j with MCP_TOOL_NAME_INVALID', (name) => {
      expect(codeOf(() => upstreamTools({ name: 'files', pathArguments: undefined }, [{ ...readTool, name }], noCall))).toBe('MCP_TOOL_NAME_INVALID');
    });
  });

  it('gives policy the server, the tool, every normalised path and the deepest path all are under', async () => {
    const [move] = upstreamTools({ name: 'files', pathArguments: undefined }, [moveTool], noCall);
    const view = await move!.action.resource({ source: '/srv/files/notes//a.txt', destination: '/srv/files/shared/./a.txt' });
    expect(view.resource).toEqual({
      uid: { type: 'Writ::McpTool', id: 'files/move_file' },
      attrs: { server: 'files', tool: 'move_file', path: '/srv/files', paths: ['/srv/files/notes/a.txt', '/srv/files/shared/a.txt'] },
      parents: [],
    });
  });

  it('refuses traversal when deriving the resource, so policy never decides on it', async () => {
    const [read] = upstreamTools({ name: 'files', pathArguments: undefined }, [readTool], noCall);
    expect(await awaitedCodeOf(() => read!.action.resource({ path: '/srv/files/../../etc/shadow' }))).toBe('MCP_PATH_TRAVERSAL');
  });

  it('refuses an answer over 1 MiB with MCP_RESULT_TOO_LARGE rather than hand Temporal a payload it rejects', async () => {
    const [read] = upstreamTools({ name: 'files', pathArguments: undefined }, [readTool], async () => ({ content: [{ type: 'text', text: 'x'.repeat(1024 * 1024) }] }));
    expect(await awaitedCodeOf(() => read!.action.execute({ path: '/srv/files/big.txt' }, { idempotencyKey: 'k', principal: 'p', artifactId: 'a' }))).toBe('MCP_RESULT_TOO_LARGE');
  });

  it('sends the upstream the normalised paths', async () => {
    const sent: unknown[] = [];
    const [read] = upstreamTools({ name: 'files', pathArguments: undefined }, [readTool], async (tool, args) => {
      sent.push([tool, args]);
      return { content: [{ type: 'text', text: 'ok' }] };
    });
    await read!.action.execute({ path: '/srv//files/./a.txt' }, { idempotencyKey: 'k', principal: 'p', artifactId: 'a' });
    expect(sent).toEqual([['read_text_file', { path: '/srv/files/a.txt' }]]);
  });
});

describe('upstreamInputSchema', () => {
  it('validates strictly, nested objects included, and lists every problem', () => {
    const schema = upstreamInputSchema('files__edit_file', {
      type: 'object',
      properties: { path: { type: 'string' }, edits: { type: 'array', items: { type: 'object', properties: { oldText: { type: 'string' } }, required: ['oldText'] } } },
      required: ['path', 'edits'],
    });
    const parsed = schema.safeParse({ path: 1, edits: [{ oldText: 'a', extra: true }], sneaky: 1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual(
      expect.arrayContaining([['invalid_type', 'path'], ['unrecognized_keys', 'edits.0'], ['unrecognized_keys', '']]),
    );
    expect(schema.safeParse({ path: '/a', edits: [{ oldText: 'a' }] }).success).toBe(true);
  });

  describe('when a tool\'s input schema is not a closed object', () => {
    it.each([
      ['not an object', { type: 'string' }],
      ['no schema at all', undefined],
      ['open to any property', { type: 'object', properties: {}, additionalProperties: true }],
    ])('refuses %s with MCP_UPSTREAM_SCHEMA_UNSUPPORTED', (_, inputSchema) => {
      expect(codeOf(() => upstreamInputSchema('files__x', inputSchema))).toBe('MCP_UPSTREAM_SCHEMA_UNSUPPORTED');
    });
  });
});
