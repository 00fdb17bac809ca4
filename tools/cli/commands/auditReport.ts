import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderReportHtml } from '../../../core/audit/report/renderReportHtml';
import { renderReportJson } from '../../../core/audit/report/renderReportJson';
import type { Command } from 'commander';
import type { AuditVerdict } from '../../../core/audit/types';
import { AuditError } from '../../../core/audit/auditError';
import { AUDIT_EXIT, addSourceOptions, addVerifyOptions, guarded, verdictFor, type VerifyCliOptions } from './audit';

/** Where `writ audit report` writes: the HTML page, the JSON document, or both. */
export type AuditReportOptions = (
  | { readonly htmlPath: string; readonly jsonPath?: string }
  | { readonly htmlPath?: string; readonly jsonPath: string }
) & {
  /** What was audited, in words (a bundle path, a query); printed in both reports. */
  readonly source: string;
  /** Clock for the report's generatedAt (injected by tests). */
  readonly now?: () => Date;
};

/** The absolute paths written. */
export interface WrittenReport {
  readonly html?: string;
  readonly json?: string;
}

/**
 * Writes the audit report for a verdict: a self-contained HTML page and/or the JSON
 * document, both stamped with the same time and source. Each file is written beside its
 * target and renamed into place, so a reader never sees half a report and an existing
 * report is replaced whole or not at all. Parent directories are created.
 */
export async function writeAuditReport(verdict: AuditVerdict, options: AuditReportOptions): Promise<WrittenReport> {
  if (options.htmlPath === undefined && options.jsonPath === undefined) {
    throw new TypeError('writeAuditReport needs an HTML path, a JSON path or both');
  }
  const meta = { generatedAt: (options.now ?? (() => new Date()))().toISOString(), source: options.source };
  const written: { html?: string; json?: string } = {};
  if (options.htmlPath !== undefined) written.html = await writeWhole(options.htmlPath, renderReportHtml(verdict, meta));
  if (options.jsonPath !== undefined) written.json = await writeWhole(options.jsonPath, renderReportJson(verdict, meta));
  return written;
}

async function writeWhole(path: string, content: string): Promise<string> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  try {
    await writeFile(partial, content, 'utf8');
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return target;
}

/**
 * `writ audit report`: verifies exactly as `writ audit verify` does (same flags, same
 * verdict) and writes the human report (HTML with the lineage picture) and/or its JSON.
 * Exits 1 when the verdict has findings, so a report never hides a failed audit.
 */
export function registerAuditReportCommand(audit: Command): void {
  addVerifyOptions(addSourceOptions(audit.command('report')))
    .description('verify, then write the report: summary, every governed step, the lineage picture (HTML) and JSON')
    .option('--html <file>', 'write the HTML report here')
    .option('--json <file>', 'write the JSON report here')
    .action(async (opts: VerifyCliOptions & { html?: string; json?: string }) => {
      process.exitCode = await guarded(async () => {
        if (opts.html === undefined && opts.json === undefined) throw new AuditError('AUDIT_OPTIONS_INVALID', 'give --html FILE, --json FILE or both');
        const verdict = await verdictFor(opts);
        const source = opts.bundle ?? (opts.query !== undefined ? `query ${opts.query}` : `workflows ${(opts.workflowId ?? []).join(', ')}`);
        const written = await writeAuditReport(verdict, {
          ...(opts.html === undefined ? { jsonPath: opts.json! } : { htmlPath: opts.html, ...(opts.json === undefined ? {} : { jsonPath: opts.json }) }),
          source,
        });
        const where = [written.html, written.json].filter((path) => path !== undefined).join(' and ');
        process.stdout.write(`${verdict.passed ? 'PASSED' : `FAILED: ${verdict.findings} finding(s)`} — ${verdict.runs.length} run(s), ${verdict.artifactsVerified} artifact(s) verified; report written to ${where}\n`);
        return verdict.passed ? AUDIT_EXIT.passed : AUDIT_EXIT.findings;
      });
    });
}
