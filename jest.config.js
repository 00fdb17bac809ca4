/** Jest runs TypeScript through SWC; `tsc --noEmit` (npm run typecheck) checks types. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // jose, oidc-provider, openid-client and the AI SDK (ai, @ai-sdk/*) ship ESM only; SWC
  // turns them into CommonJS for jest's module system.
  transformIgnorePatterns: ['/node_modules/(?!(jose|oidc-provider|openid-client|oauth4webapi|ai|@ai-sdk/[^/]+|@workflow/serde|@standard-schema/spec|eventsource-parser|pkce-challenge)/)'],
  // The examples import Writ by its package name, as a user's project does; under jest
  // that name is the sources (the build's self-reference would be a second copy).
  moduleNameMapper: {
    '^writ-governance$': '<rootDir>/exports/index.ts',
    '^writ-governance/workflow$': '<rootDir>/exports/workflow.ts',
    '^writ-governance/workflow-interceptors$': '<rootDir>/exports/workflowInterceptors.ts',
    '^writ-governance/testing$': '<rootDir>/exports/testing.ts',
    '^writ-governance/ai-sdk$': '<rootDir>/exports/aiSdk.ts',
    // The AI SDK imports one zod file by its ESM path; its CommonJS twin is the same code.
    '^zod/v4/locales/en\\.js$': 'zod/v4/locales/en.cjs',
  },
  testTimeout: 60_000,
  // Two test files at a time, whatever the core count: most files wait on the dev server,
  // child processes and the disk far more than they compute, and jest's default on a
  // 2-core machine (one worker) left a core idle. On the 2-core development machine the
  // whole suite took 583 s with two workers against 1,085 s with one.
  maxWorkers: 2,
  // One Temporal dev server for the whole run; tests find it through testTemporal().
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
};
