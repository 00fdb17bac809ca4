// `writ init` as a user runs it (the built CLI in its own process): the starter project and
// the default policy set land in the directory, filled in with its name and Writ's
// version; a directory that already holds any of those files is refused and left alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../../../dist/tools/cli/main.js');
const WRIT_VERSION = (JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'writ-init-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function init(...args: string[]) {
  return spawnSync(process.execPath, [CLI, 'init', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
}

describe('when writ init is given a new directory', () => {
  it('writes the starter project and the default policy set, named after the directory', () => {
    const run = init('My Governed App');
    expect(run.status).toBe(0);
    const project = join(root, 'My Governed App');
    for (const file of ['package.json', 'tsconfig.json', '.gitignore', 'src/activities.ts', 'src/workflows.ts', 'src/worker.ts', 'test/deploy.test.ts', 'policies/schema.cedarschema', 'policies/policy-set.json', 'policies/deployments.cedar', 'policies/operators.cedar', 'policies/console.cedar']) {
      expect({ file, exists: existsSync(join(project, file)) }).toEqual({ file, exists: true });
    }
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    expect(manifest.name).toBe('my-governed-app');
    expect(manifest.dependencies['writ-governance']).toBe(`^${WRIT_VERSION}`);
    expect(run.stdout).toMatch(/wrote 12 files/);
  });
});

describe('when the directory already holds a file writ init would write', () => {
  it('refuses with CONFIG_INVALID, names the file and changes nothing', () => {
    const project = join(root, 'existing');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'src/workflows.ts'), '// mine\n');
    const run = init(project);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^writ: CONFIG_INVALID: .*src\/workflows\.ts/);
    expect(readFileSync(join(project, 'src/workflows.ts'), 'utf8')).toBe('// mine\n');
    expect(existsSync(join(project, 'package.json'))).toBe(false);
  });
});
