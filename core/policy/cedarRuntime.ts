// Cedar's WebAssembly build, loaded once for the whole process with a V8 safeguard in place.
import v8 from 'node:v8';

// V8 11 (Node 20) aborts the process (SIGTRAP, "Fatal error: unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) when optimized code that inlined a call into
// a WebAssembly export is deoptimized while that call is still running. Cedar's exports
// take and return JavaScript values and call back into JavaScript (JSON.stringify and
// JSON.parse) during every call, so a deoptimization triggered by anything those callbacks
// touch lands in exactly that state: a governed worker would die mid-decision. Keeping
// JS-to-Wasm calls out of optimized callers removes the crash; a Cedar decision costs
// about the same either way (the call overhead is nanoseconds, the decision ~100 µs).
// It must run before any caller of Cedar is optimized, hence here, at first import.
// test/policy/cedarRuntime.test.ts reproduces the crash in a child process.
v8.setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export * from '@cedar-policy/cedar-wasm/nodejs';
