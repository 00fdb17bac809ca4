import { renderReportHtml } from '../../../../core/audit/report/renderReportHtml';
import { escapeMarkup, fitText } from '../../../../core/audit/report/escapeMarkup';
import { HOSTILE, hostileVerdict, passingVerdict, twoRunVerdict } from './verdictFixture';

const META = { generatedAt: '2030-01-01T00:00:00.000Z', source: 'bundle.json' };
const count = (text: string, needle: string | RegExp): number => text.split(needle).length - 1;

describe('renderReportHtml', () => {
  describe('for two runs with findings', () => {
    const html = renderReportHtml(twoRunVerdict(), META);

    it('heads the page with the verdict and how many findings', () => {
      expect(html).toContain('<h1 id="verdict">FAILED · 3 findings</h1>');
      expect(html).toContain('<header class="verdict failed">');
    });

    it('shows every governed step with decision, principal, policy version, approvers, outcome and artifact id', () => {
      expect(count(html, '<tr class="decision-')).toBe(6);
      const refund = html.split('\n').find((line) => line.includes('<code>refund-3</code>')) ?? '';
      for (const fact of ['permit', 'support-agent', '2026-11-26.1', 'bob, carol', 'completed', 'art-a3', '23 → 31']) expect(refund).toContain(fact);
      const denied = html.split('\n').find((line) => line.includes('<code>transfer-2</code>')) ?? '';
      expect(denied).toContain('not-scheduled · POLICY_DENIED');
    });

    it('lists every finding with its event id, code, expected and found', () => {
      expect(count(html, /<tr id="finding-\d+">/g)).toBe(3);
      const row = /<tr id="finding-0">.*?<\/tr>/.exec(html)?.[0] ?? '';
      expect(row).toContain('<td class="num">45</td>');
      expect(row).toContain('ARTIFACT_BINDING_MISMATCH');
      expect(row).toContain('argsDigest sha256:e1');
      expect(row).toContain('argsDigest sha256:f1');
    });

    it('draws the lineage as one SVG with a titled node per run, step and approval', () => {
      expect(count(html, 'id="lineage"')).toBe(1);
      expect(count(html, 'class="node node-step')).toBe(6);
      expect(count(html, 'class="node node-run')).toBe(2);
      expect(count(html, 'class="node node-approval')).toBe(1);
      expect(count(html, /<g class="node [^"]*" id="lineage-node-\d+" role="img"><title>/g)).toBe(9);
      expect(count(html, 'class="edge edge-previous"')).toBe(3);
      expect(count(html, 'class="edge edge-parent"')).toBe(1);
      expect(count(html, 'class="dead-end"')).toBe(1);
    });

    it('draws a child-run arrow only where no parent arrow already joins the two runs', () => {
      expect(count(html, 'class="edge edge-child-run"')).toBe(0);
      const verdict = twoRunVerdict();
      const child = verdict.runs[1]!;
      const unlinked = { ...verdict, runs: [verdict.runs[0]!, { ...child, steps: child.steps.map((s) => ({ ...s, lineage: s.lineage && { ...s.lineage, parent: null } })) }] };
      const page = renderReportHtml(unlinked, META);
      expect(count(page, 'class="edge edge-parent"')).toBe(0);
      expect(count(page, 'class="edge edge-child-run"')).toBe(1);
    });

    it('loads nothing from outside the page and runs no script', () => {
      expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|\bsrc=|\bhref=/i);
      expect(html.match(/https?:\/\/[^"\s]+/g) ?? []).toEqual(['http://www.w3.org/2000/svg']);
      expect(html.match(/url\([^)]*\)/g)?.every((u) => u.startsWith('url(#arrow-'))).toBe(true);
      expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;');
    });
  });

  describe('when nothing was found', () => {
    it('says PASSED', () => {
      const html = renderReportHtml(passingVerdict(), META);
      expect(html).toContain('<h1 id="verdict">PASSED</h1>');
      expect(html).toContain('class="all-clear"');
    });
  });

  describe('when the history holds hostile strings', () => {
    const html = renderReportHtml(hostileVerdict(), META);

    it('renders them as text: no tag, attribute or script survives', () => {
      expect(html).not.toMatch(/<(script|img|svg onload|iframe)/i);
      for (const hostile of Object.values(HOSTILE)) expect(html).not.toContain(hostile);
      expect(html).toContain(escapeMarkup(HOSTILE.principal));
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
      expect(html).toContain('&#39; onmouseover=&#39;alert(4)');
    });

    it('shows unprintable characters and lone surrogates as code points', () => {
      expect(html).toContain('bellU+0007 and a lone U+D800 surrogate');
      expect(html).not.toMatch(/[\u0007]|[\ud800-\udbff](?![\udc00-\udfff])/);
    });
  });
});

describe('escapeMarkup', () => {
  it('escapes the five markup characters', () => {
    expect(escapeMarkup(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('keeps paired surrogates (emoji) intact', () => {
    expect(escapeMarkup('ok 🔏')).toBe('ok 🔏');
  });
});

describe('fitText', () => {
  it('shortens by code point with an ellipsis and never splits a surrogate pair', () => {
    expect(fitText('abcdef', 4)).toBe('abc…');
    expect(fitText('🔏🔏🔏🔏', 3)).toBe('🔏🔏…');
    expect(fitText('abc', 3)).toBe('abc');
  });
});

describe('when the audit checked the evidence log', () => {
  const verdict = twoRunVerdict();
  const [parent] = verdict.runs;
  const marked = {
    ...verdict,
    runs: [{ ...parent!, steps: parent!.steps.map((s) => (s.stepId === 'transfer-1' ? { ...s, logIndex: 17 } : s.stepId === 'refund-3' ? { ...s, logIndex: null } : s)) }, ...verdict.runs.slice(1)],
  };
  const html = renderReportHtml(marked, META);
  const row = (stepId: string) => html.split('\n').find((line) => line.includes(`<code>${stepId}</code>`)) ?? '';

  it("each step's row says where its artifact is in the log, or that the log does not hold it", () => {
    expect(row('transfer-1')).toContain('<span class="pill good">entry 17</span>');
    expect(row('refund-3')).toContain('<span class="pill bad">not in log</span>');
    // A step the log was not checked for says nothing either way.
    expect(row('email-4')).not.toMatch(/entry \d+|not in log/);
  });

  it('the lineage picture marks the same on each step, in its badge and its title', () => {
    const svg = html.slice(html.indexOf('<svg id="lineage"'));
    expect(svg).toContain('>log 17</text>');
    expect(svg).toContain('evidence log entry 17, proven under the checkpoint');
    expect(svg).toContain('>not in log</text>');
    expect(svg).toContain('not in the evidence log');
  });

  it('a report of an audit that did not read the log marks nothing', () => {
    expect(renderReportHtml(twoRunVerdict(), META)).not.toMatch(/not in log|>log \d+</);
  });
});
