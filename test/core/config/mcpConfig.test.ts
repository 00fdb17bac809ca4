import { loadConfig } from '../../../core/config/writConfig';
import { codeOf } from '../../support/codeOf';

const load = (mcp: unknown) => loadConfig({ projectRoot: '/nonexistent-project', env: {}, overrides: { mcp } });

describe('writ.config.json mcp.upstreams', () => {
  it('defaults to no upstreams, and fills each upstream\'s defaults', () => {
    expect(loadConfig({ projectRoot: '/nonexistent-project', env: {} }).mcp).toEqual({ upstreams: [] });
    expect(load({ upstreams: [{ name: 'files', command: 'mcp-server-filesystem', args: ['/srv/files'] }] }).mcp.upstreams).toEqual([
      { name: 'files', command: 'mcp-server-filesystem', args: ['/srv/files'], env: {}, connectTimeoutMs: 10_000, callTimeoutMs: 50_000 },
    ]);
  });

  describe('when the section is wrong', () => {
    it.each([
      ['two upstreams with one name', { upstreams: [{ name: 'files', command: 'a' }, { name: 'files', command: 'b' }] }],
      ['an unknown key', { upstreams: [], servers: [] }],
      ['an upstream without a command or url', { upstreams: [{ name: 'files' }] }],
      ['a call timeout past the session action\'s minute', { upstreams: [{ name: 'files', command: 'a', callTimeoutMs: 60_000 }] }],
    ])('refuses %s with CONFIG_INVALID', (_, mcp) => {
      expect(codeOf(() => load(mcp))).toBe('CONFIG_INVALID');
    });
  });
});
