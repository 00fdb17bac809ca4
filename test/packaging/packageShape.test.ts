// The package as npm would publish it: its entry points resolve with their types under
// Node's rules (publint, @arethetypeswrong/cli), and the tarball holds the compiled
// library, the CLI, the starter project and the default policy set, and nothing of the
// tests, bench, soak, examples or fixtures.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');

function npx(args: string[]): string {
  return execFileSync('npx', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
}

describe('when the package is packed', () => {
  const files: string[] = (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: REPO, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);

  it('holds the entry points with their declarations, the CLI, the starter, the policies, README and LICENSE', () => {
    for (const entry of ['index', 'workflow', 'workflowInterceptors', 'testing', 'aiSdk']) {
      expect(files).toEqual(expect.arrayContaining([`dist/exports/${entry}.js`, `dist/exports/${entry}.d.ts`]));
    }
    expect(files).toEqual(expect.arrayContaining(['dist/tools/cli/main.js', 'starter/src/workflows.ts', 'starter/package.json.template', 'policies/schema.cedarschema', 'README.md', 'LICENSE', 'package.json']));
  });

  it('holds nothing of the tests, bench, soak, examples, fixtures or source maps', () => {
    expect(files.filter((file) => /^(test|examples|tools\/(bench|soak)|dist\/(test|examples|tools\/(bench|soak)))\/|\.map$|^(core|workflows|activities|worker|exports)\//.test(file))).toEqual([]);
  });

  it('passes publint', () => {
    expect(npx(['publint'])).toMatch(/writ-governance/);
  });

  it('passes @arethetypeswrong/cli for Node 16+ resolution from CommonJS and ESM', () => {
    // node10 has no subpath exports at all; Writ needs Node 22.
    // npx throws on any problem (a non-zero exit); each of the six entries resolves with types from ESM too.
    const report = npx(['attw', '--pack', '.', '--profile', 'node16', '--format', 'ascii']);
    expect(report.match(/node16 \(from ESM\): 🟢/g)).toHaveLength(6);
  }, 240_000);
});
