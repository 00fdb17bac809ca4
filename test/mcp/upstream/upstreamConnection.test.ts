import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { McpUpstreamConfigSchema } from '../../../core/config/mcpConfig';
import { connectUpstream } from '../../../mcp/upstream/upstreamConnection';
import { awaitedCodeOf } from '../../support/codeOf';

const FILESYSTEM_SERVER = resolve(__dirname, '../../../node_modules/.bin/mcp-server-filesystem');
const HTTP_EXAMPLE_SERVER = require.resolve('@modelcontextprotocol/sdk/examples/server/simpleStreamableHttp.js');

/** A port nothing listens on just now. */
function freePort(): Promise<number> {
  return new Promise((found, failed) => {
    const probe = createServer();
    probe.once('error', failed);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => found(port));
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'writ-upstream-'));
  writeFileSync(join(dir, 'a.txt'), 'a');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('connectUpstream', () => {
  it('lists the real filesystem server\'s tools and calls one', async () => {
    const upstream = await connectUpstream(McpUpstreamConfigSchema.parse({ name: 'files', command: FILESYSTEM_SERVER, args: [dir] }), dir);
    try {
      expect(upstream.tools.map((tool) => tool.name)).toContain('read_text_file');
      const result = await upstream.callTool('read_text_file', { path: join(dir, 'a.txt') });
      expect(result.content).toEqual([{ type: 'text', text: 'a' }]);
    } finally {
      await upstream.close();
    }
  }, 30_000);

  it('reaches a Streamable HTTP server by its URL (the MCP SDK\'s own example server)', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [HTTP_EXAMPLE_SERVER], { env: { ...process.env, MCP_PORT: String(port) }, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise<void>((listening, failed) => {
        let stdout = '';
        server.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('listening')) listening();
        });
        server.once('exit', (code) => failed(new Error(`the example server exited ${String(code)}`)));
      });
      const upstream = await connectUpstream(McpUpstreamConfigSchema.parse({ name: 'demo', url: `http://127.0.0.1:${port}/mcp` }), dir);
      try {
        expect(upstream.tools.map((tool) => tool.name)).toContain('greet');
        expect((await upstream.callTool('greet', { name: 'Writ' })).content).toEqual([{ type: 'text', text: 'Hello, Writ!' }]);
      } finally {
        await upstream.close();
      }
    } finally {
      server.kill('SIGTERM');
    }
  }, 30_000);

  describe('when the upstream has gone away since the last call', () => {
    it('starts a fresh server for the next call', async () => {
      const pidFile = join(dir, 'upstream.pid');
      // The shell writes its pid and becomes the server, so the test can stop the server itself.
      const config = McpUpstreamConfigSchema.parse({ name: 'files', command: '/bin/sh', args: ['-c', `echo $$ > ${pidFile}; exec ${FILESYSTEM_SERVER} ${dir}`] });
      const upstream = await connectUpstream(config, dir);
      try {
        const first = readFileSync(pidFile, 'utf8').trim();
        process.kill(Number(first), 'SIGKILL');
        await new Promise((r) => setTimeout(r, 300));
        const again = await upstream.callTool('read_text_file', { path: join(dir, 'a.txt') });
        expect(again.content).toEqual([{ type: 'text', text: 'a' }]);
        expect(readFileSync(pidFile, 'utf8').trim()).not.toBe(first);
      } finally {
        await upstream.close();
      }
    }, 30_000);
  });

  describe('when the upstream cannot be reached', () => {
    it('is MCP_UPSTREAM_UNAVAILABLE for a command that does not exist', async () => {
      expect(await awaitedCodeOf(() => connectUpstream(McpUpstreamConfigSchema.parse({ name: 'gone', command: join(dir, 'no-such-server') }), dir))).toBe('MCP_UPSTREAM_UNAVAILABLE');
    });

    it('is MCP_UPSTREAM_UNAVAILABLE for a process that never speaks MCP, once the connect timeout passes', async () => {
      const silent = McpUpstreamConfigSchema.parse({ name: 'silent', command: process.execPath, args: ['-e', 'setTimeout(() => {}, 30000)'], connectTimeoutMs: 500 });
      expect(await awaitedCodeOf(() => connectUpstream(silent, dir))).toBe('MCP_UPSTREAM_UNAVAILABLE');
    }, 10_000);

    it('is MCP_UPSTREAM_UNAVAILABLE for a Streamable HTTP URL nobody serves', async () => {
      const nobody = McpUpstreamConfigSchema.parse({ name: 'nobody', url: 'http://127.0.0.1:9/mcp', connectTimeoutMs: 2000 });
      expect(await awaitedCodeOf(() => connectUpstream(nobody, dir))).toBe('MCP_UPSTREAM_UNAVAILABLE');
    }, 10_000);
  });
});

describe('McpUpstreamConfigSchema', () => {
  it.each([
    ['a server name with an underscore', { name: 'my_files', command: 'x' }],
    ['neither a command nor a url', { name: 'files' }],
    ['both a command and a url', { name: 'files', command: 'x', url: 'http://127.0.0.1/mcp' }],
    ['an unknown key', { name: 'files', command: 'x', shell: true }],
    ['a url that is not http', { name: 'files', url: 'file:///etc/passwd' }],
  ])('refuses %s', (_, upstream) => {
    expect(McpUpstreamConfigSchema.safeParse(upstream).success).toBe(false);
  });
});
