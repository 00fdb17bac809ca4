import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeAuditReport } from '../../../../tools/cli/commands/auditReport';
import { HOSTILE, hostileVerdict, twoRunVerdict } from './verdictFixture';

// The auditor's view: the HTML report opened in a real headless Chromium (Debian's
// chromium package, installed by scripts/setup.sh), with a screenshot as evidence that
// the lineage rendered. WRIT_CHROMIUM points at another binary; WRIT_KEEP_TEST_DATA=1
// keeps the report and screenshots to look at.
const CHROMIUM = process.env['WRIT_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const VIEWPORT = { width: 1400, height: 900 };

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

let dir: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run bash scripts/setup.sh (it installs Debian's chromium) or set WRIT_CHROMIUM`);
  dir = mkdtempSync(join(tmpdir(), 'writ-report-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  if (process.env['WRIT_KEEP_TEST_DATA'] === '1') process.stdout.write(`writ: report test output kept in ${dir}\n`);
  else if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** Opens a page that records every request it makes and every dialog it tries to show. */
async function openReport(file: string): Promise<{ page: Page; requests: string[]; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests, dialogs };
}

describe('the HTML report in headless Chromium', () => {
  it('renders the verdict and the lineage, and a screenshot proves it', async () => {
    const written = await writeAuditReport(twoRunVerdict(), { htmlPath: join(dir, 'report.html'), jsonPath: join(dir, 'report.json'), source: 'fixture: two runs' });
    const { page, requests } = await openReport(written.html!);

    await expect(page.locator('h1#verdict').textContent()).resolves.toBe('FAILED · 3 findings');
    const lineage = page.locator('svg#lineage');
    expect(await lineage.isVisible()).toBe(true);
    await expect(lineage.locator('g.node-step').count()).resolves.toBe(6);
    await expect(lineage.locator('g.node-run').count()).resolves.toBe(2);
    await expect(lineage.locator('g.node-approval').count()).resolves.toBe(1);
    await expect(lineage.locator('g.node-step > title').first().textContent()).resolves.toContain('Governed step transfer-1: transferFunds');
    const size = await lineage.boundingBox();
    expect(size?.width).toBeGreaterThan(600);
    expect(size?.height).toBeGreaterThan(400);
    // Every step box is drawn with a real size (the layout did not collapse).
    const stepSizes = await lineage.locator('g.node-step > rect.box').evaluateAll((rects) => rects.map((r) => (r as unknown as { getBBox(): { width: number; height: number } }).getBBox()).map((b) => [b.width, b.height]));
    expect(stepSizes).toHaveLength(6);
    for (const [w, h] of stepSizes) expect(w! * h!).toBeGreaterThan(1_000);

    const pageShot = join(dir, 'report.png');
    const lineageShot = join(dir, 'lineage.png');
    await page.screenshot({ path: pageShot, fullPage: true });
    await lineage.screenshot({ path: lineageShot });
    expect(statSync(pageShot).size).toBeGreaterThan(5 * 1024);
    expect(statSync(lineageShot).size).toBeGreaterThan(5 * 1024);
    const full = pngSize(pageShot);
    expect(full.width).toBe(VIEWPORT.width);
    expect(full.height).toBeGreaterThan(VIEWPORT.height);
    const picture = pngSize(lineageShot);
    // The element may sit at a fractional offset, so its pixel box can round either way.
    expect(Math.abs(picture.width - size!.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(picture.height - size!.height)).toBeLessThanOrEqual(1);

    // Self-contained: the page fetched nothing but itself.
    expect(requests).toEqual([pathToFileURL(written.html!).href]);
    await page.close();
  });

  it('shows hostile strings from a history as inert text', async () => {
    const written = await writeAuditReport(hostileVerdict(), { htmlPath: join(dir, 'hostile.html'), source: 'fixture: hostile' });
    const { page, requests, dialogs } = await openReport(written.html!);

    await expect(page.locator('script, img, iframe, object, embed').count()).resolves.toBe(0);
    // The principal column shows the string itself, character for character.
    await expect(page.locator('table.steps td.principal').textContent()).resolves.toBe(HOSTILE.principal);
    await expect(page.locator('svg#lineage g.node-step > title').textContent()).resolves.toContain(`principal ${HOSTILE.principal}`);
    // Move the pointer across the step box as a reader would (no mouseover handler may fire).
    const box = await page.locator('svg#lineage g.node-step rect.box').boundingBox();
    await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2, { steps: 5 });
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([pathToFileURL(written.html!).href]);
    await page.close();
  });
});
