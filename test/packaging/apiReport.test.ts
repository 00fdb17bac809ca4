// The public API is reviewed as a report (api/*.api.md, api-extractor): a change to what
// the entry points export shows in the diff, and every export carries its doc comment.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');

describe('the public API', () => {
  it('matches the committed reports, with every export documented', () => {
    let output = '';
    try {
      output = execFileSync(process.execPath, ['scripts/api-report.js', '--check'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      throw new Error(`api-report --check failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
    }
    expect(output.match(/: unchanged$/gm)).toHaveLength(5);
  }, 120_000);
});
