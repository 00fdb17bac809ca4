import { posix } from 'node:path';
import { WritError } from '../../core/errors/writError';

// Argument names taken for file paths when an upstream does not name its own.
const DEFAULT_PATH_ARGUMENTS = new Set(['path', 'paths', 'source', 'destination']);
const PATH_LIKE = /paths?$/i;
const MAX_PATH_LENGTH = 4096;

/** Whether argument `name` holds file paths: one of `pathArguments` when given, else a default name or one ending in `path`/`paths`. */
export function isPathArgument(name: string, pathArguments: readonly string[] | undefined): boolean {
  return pathArguments === undefined ? DEFAULT_PATH_ARGUMENTS.has(name) || PATH_LIKE.test(name) : pathArguments.includes(name);
}

/**
 * A path argument as policy sees it and the upstream receives it: absolute, with `.`
 * segments, repeated and trailing slashes removed. A path with a `..` segment (in either
 * slash direction) is MCP_PATH_TRAVERSAL: normalising it away would let policy read one
 * directory and the upstream's own resolution another. A NUL byte, a relative or
 * home-relative path (`~`), or anything but a string is MCP_PATH_INVALID.
 */
export function normalizeUpstreamPath(argument: string, value: unknown): string {
  if (typeof value !== 'string') throw pathError('MCP_PATH_INVALID', argument, 'a path is a string');
  if (value.includes('\0')) throw pathError('MCP_PATH_INVALID', argument, 'a path holds no NUL byte');
  if (value.length > MAX_PATH_LENGTH) throw pathError('MCP_PATH_INVALID', argument, `a path is at most ${MAX_PATH_LENGTH} characters`);
  if (value.split(/[\\/]/).includes('..')) throw pathError('MCP_PATH_TRAVERSAL', argument, 'a path may not climb with ".."');
  if (!value.startsWith('/')) throw pathError('MCP_PATH_INVALID', argument, 'a path is absolute (starts with "/")');
  const normal = posix.normalize(value);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** Every value of one path argument, normalised: a string, or an array of strings. */
export function normalizePathArgument(argument: string, value: unknown): string | string[] {
  if (Array.isArray(value)) return value.map((item, index) => normalizeUpstreamPath(`${argument}.${index}`, item));
  return normalizeUpstreamPath(argument, value);
}

/**
 * The deepest path every one of `paths` is at or under ('' for none): one path is itself,
 * `/srv/a/x` and `/srv/b` give `/srv`. A policy that permits `resource.path like "/srv/a/*"`
 * thereby permits a call only when all its paths are under `/srv/a`.
 */
export function commonPath(paths: readonly string[]): string {
  const [first, ...rest] = paths;
  if (first === undefined) return '';
  let common = first.split('/');
  for (const path of rest) {
    const parts = path.split('/');
    let same = 0;
    while (same < common.length && same < parts.length && common[same] === parts[same]) same += 1;
    common = common.slice(0, same);
  }
  const joined = common.join('/');
  return joined === '' ? '/' : joined;
}

function pathError(code: 'MCP_PATH_INVALID' | 'MCP_PATH_TRAVERSAL', argument: string, message: string): WritError {
  return new WritError(code, `argument ${argument}: ${message}`, { issues: [{ path: argument, message }] });
}
