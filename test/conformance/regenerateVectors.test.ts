import { generateVectors } from './generateVectors';

// Regenerates the committed vectors: `WRIT_REGENERATE_VECTORS=1 npx jest test/conformance/regenerateVectors`
// rewrites every case; `WRIT_REGENERATE_VECTORS=<case>,<case>` writes only the cases named
// and leaves the others as committed. Skipped otherwise, so ordinary runs read the
// committed data and never rewrite it.
const setting = process.env['WRIT_REGENERATE_VECTORS'] ?? '';
const only = setting === '1' ? undefined : new Set(setting.split(',').filter((name) => name !== ''));

(setting !== '' ? describe : describe.skip)('conformance vector generation', () => {
  it('writes the case folders under test/conformance/vectors', async () => {
    const names = await generateVectors(undefined, only);
    expect(names.length).toBeGreaterThanOrEqual(only === undefined ? 40 : only.size);
  });
});
