import { commonPath, isPathArgument, normalizePathArgument, normalizeUpstreamPath } from '../../../mcp/upstream/upstreamPaths';
import { codeOf } from '../../support/codeOf';

describe('normalizeUpstreamPath', () => {
  it('removes "." segments, repeated and trailing slashes', () => {
    expect(normalizeUpstreamPath('path', '/srv//files/./a/')).toBe('/srv/files/a');
    expect(normalizeUpstreamPath('path', '/')).toBe('/');
  });

  describe('when a path climbs with ".."', () => {
    it.each(['/srv/files/../etc/passwd', '/srv/files/..', '/srv/files\\..\\etc', '..'])('refuses %j with MCP_PATH_TRAVERSAL', (path) => {
      expect(codeOf(() => normalizeUpstreamPath('path', path))).toBe('MCP_PATH_TRAVERSAL');
    });
  });

  describe('when a path is not an absolute path without NUL', () => {
    it.each(['/srv/files/a\u0000.txt', 'files/a.txt', '~/a.txt', '', 'x'.repeat(5000)])('refuses %j with MCP_PATH_INVALID', (path) => {
      expect(codeOf(() => normalizeUpstreamPath('path', path))).toBe('MCP_PATH_INVALID');
    });
    it('refuses a value that is not a string', () => {
      expect(codeOf(() => normalizeUpstreamPath('path', 7))).toBe('MCP_PATH_INVALID');
      expect(codeOf(() => normalizePathArgument('paths', ['/a', 7]))).toBe('MCP_PATH_INVALID');
    });
  });

  it('normalises every path of an array argument', () => {
    expect(normalizePathArgument('paths', ['/a//b', '/c/./d/'])).toEqual(['/a/b', '/c/d']);
  });
});

describe('commonPath', () => {
  it('is the deepest path every path is at or under', () => {
    expect(commonPath(['/srv/files/a.txt'])).toBe('/srv/files/a.txt');
    expect(commonPath(['/srv/files/notes/a', '/srv/files/shared/b'])).toBe('/srv/files');
    expect(commonPath(['/srv/filesX/a', '/srv/files/b'])).toBe('/srv');
    expect(commonPath(['/a', '/b'])).toBe('/');
    expect(commonPath([])).toBe('');
  });
});

describe('isPathArgument', () => {
  it('takes the usual names by default, and only the configured ones when given', () => {
    expect(['path', 'paths', 'source', 'destination', 'filePath', 'output_paths'].every((name) => isPathArgument(name, undefined))).toBe(true);
    expect(isPathArgument('content', undefined)).toBe(false);
    expect(isPathArgument('path', ['target'])).toBe(false);
    expect(isPathArgument('target', ['target'])).toBe(true);
  });
});
