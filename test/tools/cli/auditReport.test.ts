import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAuditReport } from '../../../tools/cli/commands/auditReport';
import { twoRunVerdict } from '../../core/audit/report/verdictFixture';

const NOW = new Date('2030-01-01T00:00:00Z');

describe('writeAuditReport', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-report-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes both reports, stamped with the same time and source, creating directories', async () => {
    const written = await writeAuditReport(twoRunVerdict(), { htmlPath: join(dir, 'out/a/report.html'), jsonPath: join(dir, 'out/b/report.json'), source: 'bundle.json', now: () => NOW });
    expect(written).toEqual({ html: join(dir, 'out/a/report.html'), json: join(dir, 'out/b/report.json') });
    const json = JSON.parse(readFileSync(written.json!, 'utf8')) as { generatedAt: string; source: string };
    expect(json).toMatchObject({ generatedAt: '2030-01-01T00:00:00.000Z', source: 'bundle.json' });
    expect(readFileSync(written.html!, 'utf8')).toContain('generated 2030-01-01T00:00:00.000Z');
  });

  it('writes only what was asked for and leaves no partial file behind', async () => {
    writeFileSync(join(dir, 'report.json'), 'old');
    const written = await writeAuditReport(twoRunVerdict(), { jsonPath: join(dir, 'report.json'), source: 's', now: () => NOW });
    expect(written.html).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['report.json']);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toMatch(/^\{\n {2}"format": "writ-audit-report"/);
  });

  it('refuses when given neither path', async () => {
    await expect(writeAuditReport(twoRunVerdict(), { source: 's' } as never)).rejects.toThrow(TypeError);
  });
});
