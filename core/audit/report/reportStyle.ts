/** The report page's stylesheet, inlined so the page needs nothing but itself. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #656d76; --line: #d8dee4; --soft: #f6f8fa;
  --good: #1a7f37; --good-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 14px/1.5 system-ui, "Segoe UI", "DejaVu Sans", sans-serif; }
code { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", monospace; font-size: 12px; }
.wrap { max-width: 1280px; margin: 0 auto; padding: 0 28px; }
header.verdict { padding: 22px 0 18px; border-bottom: 1px solid var(--line); }
header.verdict.passed { background: linear-gradient(90deg, var(--good-bg), #fff 70%); }
header.verdict.failed { background: linear-gradient(90deg, var(--bad-bg), #fff 70%); }
.brand { margin: 0; font-size: 12px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
h1 { margin: 2px 0 4px; font-size: 30px; letter-spacing: .01em; }
.passed h1 { color: var(--good); }
.failed h1 { color: var(--bad); }
.meta { margin: 0; color: var(--muted); }
.meta code { color: var(--fg); }
h2 { margin: 30px 0 10px; font-size: 19px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { margin: 20px 0 8px; font-size: 15px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 6px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-size: 12px; font-weight: 600; color: var(--muted); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.summary { width: auto; border: 1px solid var(--line); border-radius: 8px; }
table.summary td { font-size: 22px; font-weight: 600; text-align: center; padding: 8px 16px; }
table.summary th { text-align: center; padding: 6px 16px; }
table.summary td.bad { color: var(--bad); }
table.summary td.good { color: var(--good); }
table.summary td.warn { color: var(--warn); }
table.by-code { width: auto; margin-top: 12px; }
.scroll { overflow-x: auto; }
.wrap-any { overflow-wrap: anywhere; word-break: break-all; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
code.artifact { font-size: 11px; white-space: nowrap; }
.none { color: #8c959f; }
.hint { margin: 0 0 8px; color: var(--muted); }
.all-clear { padding: 10px 14px; border-radius: 8px; background: var(--good-bg); color: var(--good); font-weight: 600; }
.pill { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 11px; font-weight: 700; line-height: 18px; letter-spacing: .03em; text-transform: uppercase; white-space: nowrap; }
.pill.good { background: var(--good-bg); color: var(--good); }
.pill.bad { background: var(--bad-bg); color: var(--bad); }
.pill.warn { background: var(--warn-bg); color: var(--warn); }
table.findings code { font-size: 11.5px; }
tr.decision-deny td { background: #fff8f7; }
tr.has-findings td:first-child { box-shadow: inset 3px 0 0 var(--bad); }
td.outcome-refused, td.outcome-failed { color: var(--bad); font-weight: 600; }
ul.legend { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 0 0 10px; padding: 0; list-style: none; color: var(--muted); font-size: 12.5px; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
.figure { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
.figure svg { display: block; }
details.run { margin: 12px 0; border: 1px solid var(--line); border-radius: 8px; padding: 0 12px 10px; }
details.run > summary { cursor: pointer; padding: 10px 0 6px; font-size: 14px; }
.run-title { font-weight: 700; }
.run-meta { margin: 0 0 8px; color: var(--muted); }
footer { margin: 36px auto 28px; color: var(--muted); font-size: 12px; }
@media print { .figure { overflow: visible; } details.run { break-inside: avoid; } }
`;
