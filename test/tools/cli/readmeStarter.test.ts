// The README's "Use Writ in your project" shows exactly what `writ init` writes: each
// block marked `<!-- starter: <file> -->` is that starter file, so the two never drift
// (and the consumer test compiles and runs what the README shows).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '../../..');
const README = readFileSync(resolve(REPO, 'README.md'), 'utf8');
const BLOCKS = [...README.matchAll(/<!-- starter: (\S+) -->\n```[a-z]*\n([\s\S]*?)```\n/g)].map((match) => ({ file: match[1]!, text: match[2]! }));

describe('the README section on using Writ in a project', () => {
  it('shows the starter action, workflow, worker and test', () => {
    expect(BLOCKS.map((block) => block.file)).toEqual(['src/activities.ts', 'src/workflows.ts', 'src/worker.ts', 'test/deploy.test.ts']);
  });

  it.each(BLOCKS.map((block) => [block.file, block.text] as const))('shows %s exactly as writ init writes it', (file, text) => {
    expect(text).toBe(readFileSync(resolve(REPO, 'starter', file), 'utf8'));
  });
});
