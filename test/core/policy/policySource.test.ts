import fs from 'node:fs';
import path from 'node:path';
import { isWritError } from '../../../core/errors/writError';
import { loadPolicySet } from '../../../core/policy/policySet';
import { PolicySource } from '../../../core/policy/policySource';
import { PolicyCopies, appendFile, editFile, writErrorOf } from './policyTestKit';

const copies = new PolicyCopies();
const sources: PolicySource[] = [];
afterEach(() => {
  for (const source of sources.splice(0)) source.close();
});
afterAll(() => copies.dispose());

function loadSource(dir: string): PolicySource {
  const source = PolicySource.load(dir);
  sources.push(source);
  return source;
}

/** What `current()` gives right now: the active digest, or the code it throws. */
function currentState(source: PolicySource): string {
  try {
    return source.current().policySet.digest;
  } catch (error) {
    if (isWritError(error)) return error.code;
    throw error;
  }
}

/** Polls `currentState` until it equals `wanted` or `timeoutMs` passes; returns the last state seen. */
async function waitForState(source: PolicySource, wanted: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let state = currentState(source);
  while (state !== wanted && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    state = currentState(source);
  }
  return state;
}

const RAISE_LIMIT: [string, string] = ['context.amountCents > 1000000', 'context.amountCents > 2000000'];
const BREAK_POLICY = '@id("transfers-broken")\nforbid (principal, action == Writ::Action::"transferFunds", resource) when { context.nope };';

describe('PolicySource', () => {
  describe('when the set is loaded at start', () => {
    it('serves an engine for it', () => {
      const dir = copies.copy();
      expect(currentState(loadSource(dir))).toBe(loadPolicySet(dir).digest);
    });

    it('refuses an invalid set outright instead of starting degraded', () => {
      const dir = copies.copy();
      appendFile(dir, 'transfers.cedar', BREAK_POLICY);
      expect(writErrorOf(() => PolicySource.load(dir)).code).toBe('POLICY_INVALID');
    });
  });

  describe('when a changed valid set is reloaded', () => {
    it('keeps the old set until reload() and serves the new digest after it', () => {
      const dir = copies.copy();
      const source = loadSource(dir);
      const before = currentState(source);
      editFile(dir, 'transfers.cedar', ...RAISE_LIMIT);
      expect(currentState(source)).toBe(before);
      source.reload();
      const after = currentState(source);
      expect(after).not.toBe(before);
      expect(after).toBe(loadPolicySet(dir).digest);
    });
  });

  describe('when a reload finds broken files', () => {
    it('makes current() throw POLICY_INVALID until a valid set is back', () => {
      const dir = copies.copy();
      const source = loadSource(dir);
      const original = currentState(source);
      appendFile(dir, 'transfers.cedar', BREAK_POLICY);
      source.reload();
      expect(currentState(source)).toBe('POLICY_INVALID');
      expect(currentState(source)).toBe('POLICY_INVALID');
      fs.copyFileSync(path.join(copies.copy(), 'transfers.cedar'), path.join(dir, 'transfers.cedar'));
      source.reload();
      expect(currentState(source)).toBe(original);
    });

    it('makes current() throw POLICY_UNAVAILABLE while the manifest is missing', () => {
      const dir = copies.copy();
      const source = loadSource(dir);
      const manifest = fs.readFileSync(path.join(dir, 'policy-set.json'));
      fs.rmSync(path.join(dir, 'policy-set.json'));
      source.reload();
      expect(currentState(source)).toBe('POLICY_UNAVAILABLE');
      fs.writeFileSync(path.join(dir, 'policy-set.json'), manifest);
      source.reload();
      expect(currentState(source)).toBe(loadPolicySet(dir).digest);
    });
  });

  describe('when the directory is watched', () => {
    it('reloads after a file changes, fails closed on a broken edit and recovers when it is fixed', async () => {
      const dir = copies.copy();
      const source = loadSource(dir).watch();
      const original = currentState(source);

      editFile(dir, 'transfers.cedar', ...RAISE_LIMIT);
      const raised = loadPolicySet(dir).digest;
      expect(raised).not.toBe(original);
      expect(await waitForState(source, raised)).toBe(raised);

      appendFile(dir, 'transfers.cedar', BREAK_POLICY);
      expect(await waitForState(source, 'POLICY_INVALID')).toBe('POLICY_INVALID');

      editFile(dir, 'transfers.cedar', BREAK_POLICY, '');
      expect(await waitForState(source, raised)).toBe(raised);
    });

    it('stops reloading after close(), while a source still watching picks the change up', async () => {
      const dir = copies.copy();
      const closed = loadSource(dir).watch();
      const control = loadSource(dir).watch();
      const original = currentState(closed);
      closed.close();
      editFile(dir, 'transfers.cedar', ...RAISE_LIMIT);
      const raised = loadPolicySet(dir).digest;
      // The control proves the change was observable; no fixed sleep needed.
      expect(await waitForState(control, raised)).toBe(raised);
      expect(currentState(closed)).toBe(original);
    });
  });
});
