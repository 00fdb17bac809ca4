import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const CEDAR_RUNTIME = resolve(__dirname, '../../../dist/core/policy/cedarRuntime.js');
const CEDAR_WASM = require.resolve('@cedar-policy/cedar-wasm/nodejs');

// A caller of Cedar, optimized by V8, is deoptimized while Cedar is running: Cedar calls
// JSON.stringify on the request, the context's toJSON changes the shape of an object the
// optimized caller depends on, and the caller's code is thrown away mid-call. On Node 20
// with JS-to-Wasm inlining on, V8 aborts the process (SIGTRAP) within a few thousand calls.
const DEOPTIMIZE_MID_CALL = (cedarModule: string) => `
  const cedar = require(${JSON.stringify(cedarModule)});
  cedar.preparsePolicySet('p', { staticPolicies: { a: 'permit(principal, action, resource);' } });
  const holder = { value: 1 };
  let reshape = false;
  const context = {};
  Object.defineProperty(context, 'toJSON', { enumerable: false, value() {
    if (reshape) { reshape = false; holder.value = 'reshaped'; delete holder.extra; holder.extra = {}; }
    return {};
  } });
  function decide(h) {
    const answer = cedar.statefulIsAuthorized({ principal: { type: 'U', id: 'a' }, action: { type: 'A', id: 'b' }, resource: { type: 'R', id: 'c' }, context, entities: [], preparsedPolicySetId: 'p' });
    return (answer.type === 'success' ? 1 : 0) + (typeof h.value === 'number' ? h.value : 0);
  }
  let total = 0;
  for (let i = 0; i < 30000; i++) {
    if (i > 5000 && i % 997 === 0) reshape = true;
    total += decide(holder);
    if (typeof holder.value !== 'number') holder.value = 1;
  }
  process.stdout.write('completed ' + total);
`;

function runChild(cedarModule: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string } {
  const run = spawnSync(process.execPath, ['-e', DEOPTIMIZE_MID_CALL(cedarModule)], { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, signal: run.signal, stdout: run.stdout };
}

beforeAll(() => {
  if (!existsSync(CEDAR_RUNTIME)) throw new Error(`${CEDAR_RUNTIME} is missing: run \`npm run build\` (npm test does)`);
});

describe('cedarRuntime', () => {
  describe('when an optimized caller of Cedar is deoptimized in the middle of a decision', () => {
    it('keeps the process alive (regression: V8 aborted a worker through an inlined JS-to-Wasm call)', () => {
      expect(runChild(CEDAR_RUNTIME)).toEqual({ status: 0, signal: null, stdout: expect.stringMatching(/^completed \d+$/) });
    }, 130_000);

    // Shows the test above can fail: on V8 11 (Node 20) the same calls straight into the
    // Cedar package abort. Should a Node 20 update fix V8, this fails, and the flag can go.
    (process.versions.v8.startsWith('11.') ? it : it.skip)('is needed on V8 11: the same calls straight into the Cedar package abort the process', () => {
      const direct = runChild(CEDAR_WASM);
      expect({ crashed: direct.status !== 0, completed: direct.stdout.startsWith('completed') }).toEqual({ crashed: true, completed: false });
    }, 130_000);
  });
});
