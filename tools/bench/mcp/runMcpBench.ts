import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { NativeConnection } from '@temporalio/worker';
import { McpUpstreamConfigSchema } from '../../../core/config/mcpConfig';
import { writeBoundCredentialFile } from '../../../core/identity/boundCredentialFile';
import { DevIdentityProvider } from '../../../core/identity/devIdentityProvider';
import { PolicySource } from '../../../core/policy/policySource';
import { openUpstreams } from '../../../mcp/upstream/openUpstreams';
import { bundleGovernedWorkflows } from '../../../worker/bundleGovernedWorkflows';
import { createGovernedWorker } from '../../../worker/createGovernedWorker';
import type { BenchGovernance } from '../benchGovernance';
import { projectRoot } from '../projectRoot';
import { createMcpBenchActions } from './mcpBenchActions';
import { round, summarize } from '../stats';

/** One side's latency per tool call, in milliseconds, as the agent's MCP client saw it. */
export interface McpCallLatency {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

/** The MCP case: one tool call through `writ mcp` (a governed step) against the same call made to the upstream directly. */
export interface McpReport {
  /** Measured calls per side (N × K), after `warmupCalls` unmeasured ones. */
  readonly calls: number;
  readonly warmupCalls: number;
  /** The upstream tool both sides call. */
  readonly tool: string;
  /** The official MCP client straight to its own @modelcontextprotocol/server-filesystem over stdio. */
  readonly direct: McpCallLatency;
  /** The official MCP client to the built `writ mcp` over stdio: authorize, enforcement, the worker's call to the upstream, receipt. */
  readonly governed: McpCallLatency;
  /** The same client and gateway calling `benchEcho`, a declared action that does nothing: a governed step alone. */
  readonly declared: McpCallLatency;
  /** governed p50 − direct p50, in milliseconds: what governing one call costs. */
  readonly overheadP50Ms: number;
  /** governed p50 − declared p50, in milliseconds: what reaching the upstream adds to a governed step. */
  readonly upstreamOverDeclaredP50Ms: number;
}

/** Where the server is, and how many calls to make. */
export interface McpBenchOptions {
  readonly address: string;
  readonly namespace: string;
  readonly calls: number;
  readonly warmupCalls: number;
}

const MCP_BENCH_POLICIES = path.join(projectRoot(), 'tools', 'bench', 'mcp', 'policies');
const FILESYSTEM_SERVER = path.join(projectRoot(), 'node_modules', '.bin', 'mcp-server-filesystem');
const CLI = path.join(projectRoot(), 'dist', 'tools', 'cli', 'main.js');
const WORKER_MODULE = require.resolve('./mcpBenchWorker');
const WORKFLOWS_MODULE = require.resolve('./mcpBenchWorkflows');

/**
 * Measures a read of one small file through an upstream filesystem MCP server two ways, in
 * one run, calls interleaved so a drift weighs on both alike: directly (the official MCP
 * client to its own server process) and governed (the same client to the built `writ mcp`,
 * whose session run authorizes each call and whose governed worker, in this process, calls
 * its own server process and signs the receipt); and, interleaved with them, a call of the
 * declared no-op `benchEcho` through the same gateway, a governed step alone. Both servers
 * serve the same directory; the policy set is tools/bench/mcp/policies.
 */
export async function runMcpBench(governance: BenchGovernance, dataDir: string, options: McpBenchOptions, progress: (line: string) => void): Promise<McpReport> {
  const dir = path.join(dataDir, 'mcp');
  const root = path.join(dir, 'files');
  fs.mkdirSync(path.join(root, 'public'), { recursive: true });
  const file = path.join(root, 'public', 'readme.txt');
  fs.writeFileSync(file, 'hello from the upstream\n');
  const upstream = { name: 'files', command: FILESYSTEM_SERVER, args: [root] };
  fs.writeFileSync(path.join(dir, 'writ.config.json'), JSON.stringify({ mcp: { upstreams: [upstream] } }));
  const idp = DevIdentityProvider.open(path.join(dataDir, 'idp'));
  const credential = path.join(dir, 'agent.credential.json');
  writeBoundCredentialFile(credential, await idp.mintBoundCredential({ principal: 'bench-agent', groups: ['agents'] }));

  progress('mcp: connecting the worker\'s upstream and bundling the session workflow');
  const upstreams = await openUpstreams([McpUpstreamConfigSchema.parse(upstream)], dir);
  const policies = PolicySource.load(MCP_BENCH_POLICIES);
  const nativeConnection = await NativeConnection.connect({ address: options.address });
  const taskQueue = `writ-bench-mcp-${randomUUID().slice(0, 8)}`;
  const worker = await createGovernedWorker({
    connection: nativeConnection,
    namespace: options.namespace,
    taskQueue,
    workflows: await bundleGovernedWorkflows(WORKFLOWS_MODULE),
    actions: { ...createMcpBenchActions(), ...upstreams.actions },
    policies,
    ...governance.workerTrust(),
  });
  const running = worker.run();
  const direct = new Client({ name: 'writ-bench-direct', version: '1' });
  const governed = new Client({ name: 'writ-bench-agent', version: '1' });
  try {
    await direct.connect(new StdioClientTransport({ command: FILESYSTEM_SERVER, args: [root], stderr: 'ignore' }));
    await governed.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'mcp', '--module', WORKER_MODULE],
        cwd: dir,
        // The gateway verifies the agent's token with the bench's identity provider and lists
        // the tools the bench's policy set can permit it.
        env: { PATH: process.env['PATH'] ?? '', TEMPORAL_ADDRESS: options.address, TEMPORAL_NAMESPACE: options.namespace, WRIT_TASK_QUEUE: taskQueue, WRIT_MCP_CREDENTIAL: credential, WRIT_DATA_DIR: dataDir, WRIT_POLICIES_DIR: MCP_BENCH_POLICIES },
        stderr: 'ignore',
      }),
    );
    const timed = async (call: () => Promise<unknown>): Promise<number> => {
      const started = process.hrtime.bigint();
      const result = (await call()) as CallToolResult;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.isError === true) throw new Error(`the bench's read failed: ${JSON.stringify(result.content).slice(0, 300)}`);
      return ms;
    };
    const readDirect = () => timed(() => direct.callTool({ name: 'read_text_file', arguments: { path: file } }));
    const readGoverned = () => timed(() => governed.callTool({ name: 'files__read_text_file', arguments: { path: file } }));
    const echoDeclared = () => timed(() => governed.callTool({ name: 'benchEcho', arguments: { text: 'hello from the upstream\n' } }));
    progress(`mcp: ${options.warmupCalls} warm-up calls each way, then ${options.calls} measured, interleaved`);
    const sides = [
      { call: readDirect, sample: [] as number[] },
      { call: readGoverned, sample: [] as number[] },
      { call: echoDeclared, sample: [] as number[] },
    ];
    for (let i = 0; i < options.warmupCalls; i += 1) for (const side of sides) await side.call();
    for (let i = 0; i < options.calls; i += 1) {
      // Rotate which side goes first, so none always follows another.
      for (let j = 0; j < sides.length; j += 1) {
        const side = sides[(i + j) % sides.length]!;
        side.sample.push(await side.call());
      }
    }
    const [directMs, governedMs, declaredMs] = sides.map((side) => side.sample) as [number[], number[], number[]];
    const latency = (sample: number[]): McpCallLatency => {
      const summary = summarize(sample);
      return { p50: round(summary.p50, 2), p99: round(summary.p99, 2), mean: round(summary.mean, 2) };
    };
    const report = { calls: options.calls, warmupCalls: options.warmupCalls, tool: 'read_text_file', direct: latency(directMs), governed: latency(governedMs), declared: latency(declaredMs) };
    progress(`mcp: direct p50 ${report.direct.p50} ms, governed p50 ${report.governed.p50} ms, declared p50 ${report.declared.p50} ms`);
    return { ...report, overheadP50Ms: round(report.governed.p50 - report.direct.p50, 2), upstreamOverDeclaredP50Ms: round(report.governed.p50 - report.declared.p50, 2) };
  } finally {
    await governed.close().catch(() => undefined);
    await direct.close().catch(() => undefined);
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await upstreams.close();
    policies.close();
  }
}
