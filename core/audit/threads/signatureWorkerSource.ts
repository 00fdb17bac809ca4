/**
 * The code each signature thread runs, as CommonJS source evaluated by `new Worker(…, {
 * eval: true })`: the same in the build and under the tests (which run the TypeScript
 * sources, where no compiled worker file exists), and small enough to read whole. It
 * verifies Ed25519 signatures of compact JWSs with node:crypto and answers, per token, 1
 * when the signature verified and 0 for anything else (a bad key, a bad encoding, an
 * exception): a 0 is never trusted as a refusal, the auditor verifies those again itself.
 */
export const SIGNATURE_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const keys = new Map();
function keyOf(der) {
  let key = keys.get(der);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' });
    keys.set(der, key);
  }
  return key;
}
parentPort.on('message', (batch) => {
  const verdicts = new Uint8Array(batch.tokens.length);
  let resolved = [];
  try { resolved = batch.keys.map(keyOf); } catch { resolved = []; }
  for (let i = 0; i < batch.tokens.length; i += 1) {
    const token = batch.tokens[i];
    const key = resolved[batch.keyIndex[i]];
    const last = token.lastIndexOf('.');
    if (key === undefined || last <= 0) continue;
    try {
      verdicts[i] = verify(null, Buffer.from(token.slice(0, last), 'ascii'), key, Buffer.from(token.slice(last + 1), 'base64url')) ? 1 : 0;
    } catch {
      verdicts[i] = 0;
    }
  }
  parentPort.postMessage({ id: batch.id, verdicts }, [verdicts.buffer]);
});
`;
