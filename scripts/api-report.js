#!/usr/bin/env node
// The public API report: one api-extractor report per entry point (api/*.api.md), from the
// declarations `npm run build` writes. `npm run api` rewrites the reports after an
// intended change; the tests run it with --check, which fails when the public API differs
// from the committed report, or when an export lacks its doc comment.
const path = require('node:path');
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');

const ROOT = path.resolve(__dirname, '..');
const ENTRIES = { 'writ-governance': 'index', 'writ-governance-workflow': 'workflow', 'writ-governance-workflow-interceptors': 'workflowInterceptors', 'writ-governance-testing': 'testing', 'writ-governance-ai-sdk': 'aiSdk' };
const check = process.argv.includes('--check');

// Types a public signature names that its entry point leaves unexported on purpose, by
// report; any other forgotten export (ae-forgotten-export) fails.
const LEFT_UNEXPORTED = {
  // VerifyOptions.operatorEvents: a verifier reads the auditor's own model of a run (its run
  // record, paired steps, artifact claims); exporting the type would make all of that API.
  // EvidenceEntry (what an EvidenceLog appends) is inferred from the log's zod schema of the
  // envelope; the schema itself is the log's to validate with, not users'.
  'writ-governance': ['OperatorEventVerifier', 'EvidenceEntrySchema'],
};

let failed = false;
for (const [report, entry] of Object.entries(ENTRIES)) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: `<projectFolder>/dist/exports/${entry}.d.ts`,
      compiler: { overrideTsconfig: { compilerOptions: { strict: true, skipLibCheck: true, types: ['node'], lib: ['ES2023'], module: 'node16', moduleResolution: 'node16', target: 'ES2022' }, include: [`dist/exports/${entry}.d.ts`] } },
      apiReport: { enabled: true, reportFileName: `${report}.api.md`, reportFolder: '<projectFolder>/api/', reportTempFolder: '<projectFolder>/dist/api-temp/' },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      // ae-undocumented is not written into the report but reported below, so an export
      // without its doc comment fails the run rather than becoming part of the report.
      messages: {
        extractorMessageReporting: { default: { logLevel: 'warning' }, 'ae-missing-release-tag': { logLevel: 'none' }, 'ae-undocumented': { logLevel: 'warning', addToApiReportFile: false } },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'warning' } },
      },
    },
    configObjectFullPath: path.join(ROOT, 'api', 'api-extractor.json'),
    packageJsonFullPath: path.join(ROOT, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false, messageCallback: (message) => {
    const forgotten = message.messageId === 'ae-forgotten-export' && /The symbol "([^"]+)"/.exec(message.text)?.[1];
    if (forgotten && (LEFT_UNEXPORTED[report] ?? []).includes(forgotten)) {
      message.logLevel = 'none';
      message.handled = true;
      return;
    }
    if (message.category === 'Extractor' && message.messageId === 'ae-undocumented') {
      failed = true;
      process.stderr.write(`${report}: undocumented export: ${message.text}\n`);
      message.handled = true;
    }
  } });
  if (!result.succeeded || (check && result.apiReportChanged)) {
    failed = true;
    process.stderr.write(`${report}: ${result.apiReportChanged ? 'the public API differs from api/' + report + '.api.md (run npm run api and review the change)' : 'api-extractor failed'}\n`);
  } else {
    process.stdout.write(`${report}: ${result.apiReportChanged ? 'report updated' : 'unchanged'}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
