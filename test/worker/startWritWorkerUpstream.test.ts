import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createWritClient } from '../../core/client/createWritClient';
import { loadConfig, type WritConfig } from '../../core/config/writConfig';
import { DevIdentityProvider } from '../../core/identity/devIdentityProvider';
import { createMcpGateway } from '../../mcp/mcpGateway';
import { openUpstreams } from '../../mcp/upstream/openUpstreams';
import { installRuntimeLogging } from '../../worker/runtimeLogging';
import { startWritWorker } from '../../worker/startWritWorker';
import { awaitedCodeOf } from '../support/codeOf';
import { sharedBundle } from '../support/sharedBundle';
import { testTemporal } from '../support/testServer';
import { PolicySource } from '../../core/policy/policySource';

// startWritWorker reads writ.config.json's mcp.upstreams itself: the worker it starts holds
// the MCP client to the upstream and serves its tools as governed actions.

const FILESYSTEM_SERVER = resolve(__dirname, '../../node_modules/.bin/mcp-server-filesystem');
const EXAMPLE_POLICIES = resolve(__dirname, '../../examples/mcp-upstream/policies');

let dir: string;
let root: string;
beforeAll(() => {
  installRuntimeLogging('ERROR');
  dir = mkdtempSync(join(tmpdir(), 'writ-worker-upstream-'));
  root = join(dir, 'files');
  mkdirSync(join(root, 'notes'), { recursive: true });
  const policies = join(dir, 'policies');
  mkdirSync(policies);
  for (const file of ['policy-set.json', 'schema.cedarschema', 'files.cedar', 'operators.cedar']) {
    writeFileSync(join(policies, file), readFileSync(join(EXAMPLE_POLICIES, file), 'utf8').replaceAll('/srv/files', root));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configWith = (upstreams: unknown[], taskQueue: string): WritConfig =>
  loadConfig({ projectRoot: dir, env: {}, overrides: { dataDir: join(dir, '.writ'), policiesDir: 'policies', taskQueue, mcp: { upstreams } } });
const target = () => ({ kind: 'external' as const, connectOptions: { address: testTemporal().address }, namespace: testTemporal().namespace });

describe('when the configuration names an upstream that cannot be reached', () => {
  it('does not start: MCP_UPSTREAM_UNAVAILABLE', async () => {
    const config = configWith([{ name: 'gone', command: join(dir, 'no-such-server') }], `writ-upstream-${Date.now()}`);
    expect(await awaitedCodeOf(() => startWritWorker({ actions: {} }, { config, target: target() }))).toBe('MCP_UPSTREAM_UNAVAILABLE');
  });
});

describe('when the configuration names the filesystem server', () => {
  it('serves its tools as governed actions: an agent\'s permitted write reaches the file system', async () => {
    const upstreams = [{ name: 'files', command: FILESYSTEM_SERVER, args: [root] }];
    const config = configWith(upstreams, `writ-upstream-${Date.now()}`);
    const started = await startWritWorker({ actions: {} }, { config, target: target(), workflowBundle: (await sharedBundle()).bundle });
    const running = started.run();
    const listed = await openUpstreams(config.mcp.upstreams, dir);
    await listed.close();
    const connection = await Connection.connect({ address: testTemporal().address });
    try {
      // The development identity provider the worker trusts, in the data directory.
      const idp = DevIdentityProvider.open(join(config.dataDir, 'idp'));
      await idp.ensureKey();
      const client = createWritClient({ connection, namespace: started.namespace, ...(await idp.mintBoundCredential({ principal: 'files-agent', groups: ['agents'] })) });
      const gateway = createMcpGateway({ client, taskQueue: config.taskQueue, actions: {}, upstreamTools: listed.tools, principal: { principal: 'files-agent', groups: ['agents'] }, policies: PolicySource.load(config.policiesDir) });
      const [agentSide, gatewaySide] = InMemoryTransport.createLinkedPair();
      await gateway.server.connect(gatewaySide);
      const agent = new McpClient({ name: 'agent', version: '1' });
      await agent.connect(agentSide);
      const target = join(root, 'notes', 'a.txt');
      const result = (await agent.callTool({ name: 'files__write_file', arguments: { path: target, content: 'written by the worker\'s client' } })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(readFileSync(target, 'utf8')).toBe('written by the worker\'s client');
      await agent.close();
      await gateway.close();
    } finally {
      started.worker.shutdown();
      await running;
      await connection.close();
    }
  }, 60_000);
});
