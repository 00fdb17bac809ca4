import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { WritError } from '../../../core/errors/writError';
import { packageRoot } from '../packageRoot';

/** Files the starter project holds, by where they land; `.template` files are filled in. */
const TEMPLATES: Record<string, string> = { 'package.json': 'package.json.template', '.gitignore': 'gitignore.template' };

/**
 * `writ init [dir]`: scaffolds a governed Temporal project from the package's `starter/`
 * (one governed action, one workflow, a worker with WritPlugin, a jest test against a
 * real dev server) and its default policy set (`policies/`). Refuses a directory that
 * already holds any of those files, so nothing of the user's is overwritten.
 */
export function registerInitCommand(program: Command): void {
  program
    .command('init [dir]')
    .description('scaffold a new governed project: package.json, tsconfig, policies, an action, a workflow, a worker and a test')
    .action((dir: string | undefined) => {
      const target = resolve(dir ?? '.');
      const written = scaffoldProject(target);
      process.stdout.write(`writ init: wrote ${written.length} files to ${target}\n`);
      process.stdout.write(`next: cd ${dir ?? '.'} && npm install && npm test\n`);
    });
}

/** Writes the starter project into `target`; returns the paths written (relative). */
export function scaffoldProject(target: string): string[] {
  const root = packageRoot();
  const starter = join(root, 'starter');
  const files = [...listFiles(starter).map((file) => ({ from: join(starter, file), to: landingPath(file) })), ...listFiles(join(root, 'policies')).map((file) => ({ from: join(root, 'policies', file), to: join('policies', file) }))];
  const existing = files.filter((file) => existsSync(join(target, file.to))).map((file) => file.to);
  if (existing.length > 0) {
    throw new WritError('CONFIG_INVALID', `${target} already holds ${existing.join(', ')}; writ init writes only into a directory without them`, {
      issues: existing.map((path) => ({ path, message: 'exists' })),
    });
  }
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const name = basename(target).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'governed-project';
  for (const file of files) {
    const destination = join(target, file.to);
    mkdirSync(join(destination, '..'), { recursive: true });
    if (file.from.endsWith('.template')) {
      writeFileSync(destination, readFileSync(file.from, 'utf8').replaceAll('{{name}}', name).replaceAll('{{writVersion}}', version));
    } else {
      cpSync(file.from, destination);
    }
  }
  return files.map((file) => file.to);
}

function landingPath(file: string): string {
  return Object.entries(TEMPLATES).find(([, template]) => template === file)?.[0] ?? file;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}
